/** functions/stop-all/summarise-stop-all.logic.ts: every child's outcome or error, counted. */
import { describe, expect, it } from 'vitest';
import type { RunningListing, StopItemResult } from '#stop-all/model.js';
import { MAX_CAUSE_LENGTH, readFailure, summariseStopAll } from '#stop-all/summarise-stop-all.logic.js';
import { FakeClock, T0 } from '#test/functions/fixtures.js';

const arnOf = (id: string): string => `arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/${id}`;
const CHILD = 'arn:aws:states:us-east-1:123456789012:execution:prod-graceful-stop:child-1';
const listing = (overrides: Partial<RunningListing> = {}): RunningListing => ({
  request: { pipelineName: 'p', olderThanSeconds: 0, maxConcurrency: 5, dryRun: false },
  listedAt: T0,
  pipelines: 1,
  scanned: 10,
  pagesRead: 1,
  scanComplete: true,
  running: 4,
  items: [],
  batch: [],
  remaining: 0,
  more: false,
  omitted: 0,
  tooRecent: 0,
  cursor: { startedBefore: T0 },
  ...overrides,
});
const describeExecution = (fields: Record<string, unknown>): string =>
  JSON.stringify({ ExecutionArn: CHILD, StateMachineArn: 'x', Name: 'child-1', StartDate: 1, StopDate: 2, Input: '{}', InputDetails: { Included: true }, ...fields });

describe('readFailure', () => {
  it("reads the child's named failure out of States.TaskFailed's DescribeExecution cause", () => {
    // Prepare
    const item = { pipelineExecutionArn: arnOf('a'), failure: { Error: 'States.TaskFailed', Cause: describeExecution({ Status: 'FAILED', Error: 'DrainTimedOut', Cause: "Step 'Score' still draining." }) } };
    // Act
    const report = readFailure(item);
    // Assess
    expect(report).toEqual({ pipelineExecutionArn: arnOf('a'), childExecutionArn: CHILD, succeeded: false, error: 'DrainTimedOut', cause: "Step 'Score' still draining.", childStatus: 'FAILED' });
  });

  it('names a child that timed out or was aborted, which carries no error', () => {
    // Prepare
    const timedOut = { pipelineExecutionArn: arnOf('a'), failure: { Error: 'States.TaskFailed', Cause: describeExecution({ Status: 'TIMED_OUT' }) } };
    const aborted = { pipelineExecutionArn: arnOf('b'), failure: { Error: 'States.TaskFailed', Cause: describeExecution({ Status: 'ABORTED' }) } };
    // Act
    const reports = [readFailure(timedOut), readFailure(aborted)];
    // Assess
    expect(reports.map((report) => [report.error, report.childStatus, report.cause])).toEqual([
      ['States.Timeout', 'TIMED_OUT', 'The graceful-stop execution ended TIMED_OUT without an error cause.'],
      ['ExecutionAborted', 'ABORTED', 'The graceful-stop execution ended ABORTED without an error cause.'],
    ]);
  });

  it('reports an error that kept the child from starting as caught, whatever its cause', () => {
    // Prepare
    const denied = { pipelineExecutionArn: arnOf('a'), failure: { Error: 'StepFunctions.AccessDeniedException', Cause: 'not authorized to perform states:StartExecution' } };
    const notJson = { pipelineExecutionArn: arnOf('b'), failure: { Error: 'States.TaskFailed', Cause: 'plain text' } };
    const noCause = { pipelineExecutionArn: arnOf('c'), failure: { Error: 'States.Timeout' } };
    // Act
    const reports = [denied, notJson, noCause].map(readFailure);
    // Assess
    expect(reports).toEqual([
      { pipelineExecutionArn: arnOf('a'), succeeded: false, error: 'StepFunctions.AccessDeniedException', cause: 'not authorized to perform states:StartExecution' },
      { pipelineExecutionArn: arnOf('b'), succeeded: false, error: 'States.TaskFailed', cause: 'plain text' },
      { pipelineExecutionArn: arnOf('c'), succeeded: false, error: 'States.Timeout', cause: '' },
    ]);
  });

  it('cuts a long cause so hundreds of children fit in one state payload', () => {
    // Prepare
    const item = { pipelineExecutionArn: arnOf('a'), failure: { Error: 'Boom', Cause: 'x'.repeat(10_000) } };
    // Act
    const report = readFailure(item);
    // Assess
    expect(report.cause).toHaveLength(MAX_CAUSE_LENGTH);
    expect(report.cause?.endsWith('…')).toBe(true);
  });
});

describe('summariseStopAll', () => {
  it('lists every child, succeeded or failed, and counts them per outcome and per error', () => {
    // Prepare
    const results: StopItemResult[] = [
      { pipelineExecutionArn: arnOf('a'), childExecutionArn: `${CHILD}a`, outcome: 'Stopped', finalStatus: 'Stopped', waitedSeconds: 40 },
      { pipelineExecutionArn: arnOf('b'), failure: { Error: 'States.TaskFailed', Cause: describeExecution({ Status: 'FAILED', Error: 'PipelineExecutionFailed', Cause: 'Lambda step timed out.' }) } },
      { pipelineExecutionArn: arnOf('c'), childExecutionArn: `${CHILD}c`, outcome: 'AlreadyStopped', finalStatus: 'Stopped', waitedSeconds: 0 },
      { pipelineExecutionArn: arnOf('d'), childExecutionArn: `${CHILD}d`, outcome: 'Stopped', finalStatus: 'Stopped', waitedSeconds: 12 },
    ];
    const clock = new FakeClock(T0);
    clock.advance(300);

    // Act
    const { totals: summary, more } = summariseStopAll({ listing: listing({ omitted: 2, tooRecent: 1 }), results }, clock);

    // Assess
    expect(more).toBe(false);
    expect(summary).toMatchObject({
      pipelineName: 'p',
      listedAt: T0,
      finishedAt: '2025-03-01T12:05:00.000Z',
      running: 4,
      attempted: 4,
      omitted: 2,
      tooRecent: 1,
      scanComplete: true,
      succeeded: 3,
      failed: 1,
      outcomes: { Stopped: 2, AlreadyStopped: 1 },
      errors: { PipelineExecutionFailed: 1 },
    });
    // Failed children first: they are what a reader looks for.
    expect(summary.children.map((child) => [child.pipelineExecutionArn, child.succeeded, child.outcome ?? child.error])).toEqual([
      [arnOf('b'), false, 'PipelineExecutionFailed'],
      [arnOf('a'), true, 'Stopped'],
      [arnOf('c'), true, 'AlreadyStopped'],
      [arnOf('d'), true, 'Stopped'],
    ]);
  });

  it('summarises a run with nothing to stop', () => {
    // Prepare
    const state = { listing: listing({ running: 0 }), results: [] };
    // Act
    const { totals } = summariseStopAll(state, new FakeClock(T0));
    // Assess
    expect(totals).toMatchObject({ attempted: 0, succeeded: 0, failed: 0, outcomes: {}, errors: {}, children: [], batches: 1 });
  });

  it('adds a batch to the totals of the batches before it, keeping the first listing time and at most 100 children', () => {
    // Prepare
    const stopped = (id: string): StopItemResult => ({ pipelineExecutionArn: arnOf(id), childExecutionArn: `${CHILD}${id}`, outcome: 'Stopped', finalStatus: 'Stopped', waitedSeconds: 1 });
    const firstBatch = summariseStopAll({ listing: listing({ running: 150, more: true, cursor: { startedBefore: T0, after: { startedAt: 1, pipelineExecutionArn: arnOf('x') } } }), results: Array.from({ length: 90 }, (_, i) => stopped(`a${i}`)) }, new FakeClock(T0));
    const clock = new FakeClock(T0);
    clock.advance(60);

    // Act
    const second = summariseStopAll({ listing: listing({ running: 60, listedAt: new Date(clock.now()).toISOString() }), results: Array.from({ length: 60 }, (_, i) => stopped(`b${i}`)), totals: firstBatch.totals }, clock);

    // Assess
    expect(firstBatch.more).toBe(true);
    expect(firstBatch.cursor.after?.pipelineExecutionArn).toBe(arnOf('x'));
    expect(second.totals).toMatchObject({ batches: 2, listedAt: T0, running: 150, attempted: 150, succeeded: 150, outcomes: { Stopped: 150 }, childrenOmitted: 50 });
    expect(second.totals.children).toHaveLength(100);
    expect(JSON.stringify(second).length).toBeLessThan(64 * 1024);
  });

  it('lists a dry run\'s candidates and stops nothing', () => {
    // Prepare
    const candidate = { pipelineName: 'p', pipelineExecutionArn: arnOf('old'), startedAt: T0, ageSeconds: 90_000 };
    const dry = listing({ request: { pipelineName: 'p', olderThanSeconds: 86_400, maxConcurrency: 5, dryRun: true }, batch: [candidate], items: [{ pipelineExecutionArn: arnOf('old') }] });

    // Act
    const { totals } = summariseStopAll({ listing: dry }, new FakeClock(T0));

    // Assess
    expect(totals).toMatchObject({ dryRun: true, attempted: 0, wouldStopCount: 1, wouldStop: [candidate] });
  });

  it('rejects an input without listing or results with InvalidInput', () => {
    // Prepare
    const state = { listing: listing() } as never;
    // Act
    const summarise = (): unknown => summariseStopAll(state, new FakeClock(T0));
    // Assess
    expect(summarise).toThrow(expect.objectContaining({ name: 'InvalidInput' }));
  });
});

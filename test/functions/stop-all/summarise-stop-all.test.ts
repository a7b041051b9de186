/** functions/stop-all/summarise-stop-all.logic.ts: the report from the fleet's ledger, every run classified like one graceful stop. */
import { beforeEach, describe, expect, it } from 'vitest';
import { ledgerRefOf } from '#stop-all/ledger.js';
import type { FleetRun, ListedState } from '#stop-all/model.js';
import {
  EVENT_RUNS,
  MAX_CAUSE_LENGTH,
  MAX_SUMMARY_BYTES,
  completionEventOf,
  reportRun,
  summariseStopAll,
} from '#stop-all/summarise-stop-all.logic.js';
import { FakeClock, T0 } from '#test/support/fixtures.js';
import { EXECUTION_ID, MemoryLedgers, arnOf, fleetRun, ledgerOf, request } from '#test/support/stop-all-fixtures.js';

const REF = ledgerRefOf(EXECUTION_ID);
const at = (seconds: number): number => Date.parse(T0) + seconds * 1000;
const accepted = (seconds = 0): Partial<FleetRun> => ({
  signal: { at: at(seconds), result: 'Accepted', attempts: 1 },
  drainFrom: at(seconds),
});
const ended = (status: 'Stopped' | 'Failed' | 'Succeeded', seconds: number): Partial<FleetRun> => ({ status, endedAt: at(seconds) });
const state = (overrides: Partial<ListedState> = {}): ListedState => ({
  executionId: EXECUTION_ID,
  request: request(),
  ledger: REF,
  listing: { listedAt: T0, pipelines: 1, scanned: 10, pagesRead: 1, scanComplete: true, tooRecent: 2, omitted: 0, byPipeline: [] },
  progress: {} as ListedState['progress'],
  ...overrides,
});

let ledgers: MemoryLedgers;
const clock = new FakeClock(T0);

describe('reportRun', () => {
  it('classifies a run as one graceful stop would: ours, taken in, or ended before any stop', () => {
    // Prepare
    const ledger = ledgerOf([]);
    const cases: Array<[Partial<FleetRun>, Record<string, unknown>]> = [
      [
        { ...accepted(), ...ended('Stopped', 100) },
        { origin: 'Signalled', succeeded: true, outcome: 'Stopped', drainSeconds: 100 },
      ],
      [
        { ...accepted(), ...ended('Succeeded', 5) },
        { origin: 'Signalled', succeeded: true, outcome: 'CompletedBeforeStop' },
      ],
      [
        { listedStatus: 'Stopping', drainFrom: at(0), ...ended('Stopped', 30) },
        { origin: 'TakenIn', succeeded: true, outcome: 'Stopped' },
      ],
      [
        { signal: { at: at(0), result: 'NotExecuting', attempts: 1 }, statusAtStop: 'Stopping', ...ended('Stopped', 30) },
        { origin: 'TakenIn', outcome: 'Stopped' },
      ],
      [
        { signal: { at: at(0), result: 'NotExecuting', attempts: 1 }, statusAtStop: 'Stopped', ...ended('Stopped', 1) },
        { origin: 'EndedFirst', outcome: 'AlreadyStopped' },
      ],
      [
        { signal: { at: at(0), result: 'NotExecuting', attempts: 1 }, statusAtStop: 'Failed', ...ended('Failed', 1) },
        { origin: 'EndedFirst', outcome: 'AlreadyFailed' },
      ],
      [
        { ...accepted(), status: 'Stopping', timedOut: true },
        { succeeded: false, error: 'DrainTimedOut', drainSeconds: 900 },
      ],
      [
        { ...accepted(), error: { name: 'StopRejected', cause: 'SageMaker refused' } },
        { succeeded: false, error: 'StopRejected', cause: 'SageMaker refused' },
      ],
    ];
    for (const [overrides, expected] of cases) {
      // Act
      const report = reportRun(fleetRun('r', overrides), ledger, clock);
      // Assess
      expect(report, JSON.stringify(overrides)).toMatchObject(expected);
    }
  });

  it('names the failed step of a run that ended Failed, and what still drained at the deadline, in the shared sentences', () => {
    // Prepare
    const ledger = ledgerOf([], { request: request({ maxWaitSeconds: 600 }) });
    const failed = fleetRun('f', {
      ...accepted(),
      ...ended('Failed', 200),
      steps: [{ name: 'Score', type: 'Lambda', status: 'Failed', failureReason: 'timed out' }],
    });
    const draining = fleetRun('d', {
      ...accepted(),
      status: 'Stopping',
      timedOut: true,
      steps: [{ name: 'Approve', type: 'Callback', status: 'Executing', startedAt: T0 }],
    });

    // Act
    const failedReport = reportRun(failed, ledger, clock);
    const drainingReport = reportRun(draining, ledger, new FakeClock(new Date(at(600)).toISOString()));

    // Assess
    expect(failedReport).toMatchObject({
      error: 'PipelineExecutionFailed',
      cause: "The pipeline execution ended Failed instead of Stopped after the stop was requested: Lambda step 'Score' failed (timed out).",
    });
    expect(drainingReport).toMatchObject({
      error: 'DrainTimedOut',
      cause:
        "The pipeline execution was still Stopping after the 600 s deadline; still draining: Callback step 'Approve' (Executing for 600 s).",
    });
  });

  it(`cuts a long cause to ${MAX_CAUSE_LENGTH} characters`, () => {
    // Act
    const report = reportRun(
      fleetRun('r', { ...accepted(), error: { name: 'StopRejected', cause: 'x'.repeat(5_000) } }),
      ledgerOf([]),
      clock,
    );
    // Assess
    expect(report.cause).toHaveLength(MAX_CAUSE_LENGTH);
  });
});

describe('summariseStopAll', () => {
  beforeEach(() => {
    ledgers = new MemoryLedgers();
  });

  it('counts by outcome, named failure and final status, lists the runs that did not end well first, and times the fleet', async () => {
    // Prepare
    await ledgers.write(
      REF,
      ledgerOf(
        [
          fleetRun('a', { ...accepted(0), ...ended('Stopped', 130) }),
          fleetRun('b', { ...accepted(1), ...ended('Stopped', 60) }),
          fleetRun('c', { ...accepted(2), ...ended('Failed', 300), steps: [{ name: 'Score', type: 'Lambda', status: 'Failed' }] }),
          fleetRun('d', { listedStatus: 'Stopping', drainFrom: at(0), ...ended('Stopped', 400) }),
        ],
        { lastSignalAt: at(2), calls: { ListPipelineExecutions: 12, StopPipelineExecution: 3 } },
      ),
    );

    // Act
    const summary = await summariseStopAll(state(), { ledgers, clock: new FakeClock(new Date(at(420)).toISOString()) });

    // Assess
    expect(summary).toMatchObject({
      pipelineName: 'nightly-scoring',
      dryRun: false,
      ledger: 's3://test-ledgers/stop-all/release-2026-11/ledger.json',
      selected: 4,
      signalled: 3,
      takenIn: 1,
      succeeded: 3,
      succeededSignalled: 2,
      failed: 1,
      outcomes: { Stopped: 3 },
      errors: { PipelineExecutionFailed: 1 },
      finalStatuses: { Stopped: 3, Failed: 1 },
      secondsToLastSignal: 2,
      secondsToLastEnd: 400,
      tooRecent: 2,
      runsOmitted: 0,
      sageMakerCalls: { ListPipelineExecutions: 12, StopPipelineExecution: 3 },
    });
    expect(summary.runs.map((run) => run.pipelineExecutionArn)).toEqual([arnOf('c'), arnOf('a'), arnOf('b'), arnOf('d')]);
    expect(summary.slowestDrains.map((drain) => [drain.pipelineExecutionArn, drain.drainSeconds])).toEqual([
      [arnOf('d'), 400],
      [arnOf('c'), 298],
      [arnOf('a'), 130],
      [arnOf('b'), 59],
    ]);
  });

  it('lists at most 100 runs, failed ones first, and counts the rest', async () => {
    // Prepare
    const runs = Array.from({ length: 250 }, (_, index) =>
      fleetRun(`r${index}`, { ...accepted(), ...ended(index === 249 ? 'Failed' : 'Stopped', 60) }),
    );
    await ledgers.write(REF, ledgerOf(runs));

    // Act
    const summary = await summariseStopAll(state(), { ledgers, clock });

    // Assess
    expect(summary.runs).toHaveLength(100);
    expect(summary.runs[0]?.pipelineExecutionArn).toBe(arnOf('r249'));
    expect(summary.runsOmitted).toBe(150);
    expect(JSON.stringify(summary).length).toBeLessThan(64 * 1024);
  });

  it("reports a dry run's candidates and counts, and stops nothing", async () => {
    // Prepare
    await ledgers.write(
      REF,
      ledgerOf([fleetRun('a'), fleetRun('b', { listedStatus: 'Stopping', status: 'Stopping' })], { request: request({ dryRun: true }) }),
    );
    const candidates = [
      { pipelineName: 'nightly-scoring', pipelineExecutionArn: arnOf('a'), status: 'Executing' as const, startedAt: T0, ageSeconds: 60 },
    ];

    // Act
    const summary = await summariseStopAll(state({ candidates }), { ledgers, clock });

    // Assess
    expect(summary).toMatchObject({
      dryRun: true,
      wouldStopCount: 2,
      wouldStop: candidates,
      selected: 2,
      signalled: 0,
      takenIn: 1,
      runs: [],
      outcomes: {},
    });
  });

  it('rejects an input without a ledger with InvalidInput', async () => {
    // Act
    const summary = summariseStopAll({ executionId: EXECUTION_ID } as ListedState, { ledgers, clock });
    // Assess
    await expect(summary).rejects.toMatchObject({
      name: 'InvalidInput',
      message: 'The summary input has no ledger or no listing; expected the state after List Running Executions.',
    });
  });

  it(`stays under ${MAX_SUMMARY_BYTES} bytes whatever the runs carry, dropping listed runs (never counts) to fit`, async () => {
    // Prepare
    const long = 'x'.repeat(1_000);
    const runs = Array.from({ length: 300 }, (_, index) =>
      fleetRun(`r${index}`, {
        ...accepted(),
        ...ended('Failed', 60),
        failureReason: long,
        steps: [1, 2, 3].map((step) => ({ name: `s${step}-${long}`, type: 'Lambda', status: 'Failed', failureReason: long })),
      }),
    );
    await ledgers.write(REF, ledgerOf(runs));

    // Act
    const summary = await summariseStopAll(state(), { ledgers, clock });

    // Assess
    expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(summary.runs.length + summary.runsOmitted).toBe(300);
    expect(summary.errors).toEqual({ PipelineExecutionFailed: 300 });
  });
});

describe('completionEventOf', () => {
  it('announces the counts and timings with the first runs that did not end well, about the stop-all execution', async () => {
    // Prepare
    ledgers = new MemoryLedgers();
    const runs = Array.from({ length: 40 }, (_, index) =>
      fleetRun(`r${index}`, { ...accepted(), ...ended(index < 30 ? 'Failed' : 'Stopped', 60) }),
    );
    await ledgers.write(REF, ledgerOf(runs));
    const summary = await summariseStopAll(state(), { ledgers, clock });

    // Act
    const event = completionEventOf(summary, EXECUTION_ID);

    // Assess
    expect(event.detailType).toBe('Stop All Completed');
    expect(event.resources).toEqual([EXECUTION_ID]);
    expect(event.detail).toMatchObject({
      executionArn: EXECUTION_ID,
      selected: 40,
      failed: 30,
      succeeded: 10,
      runsOmitted: 30 - EVENT_RUNS,
    });
    const listed = event.detail.runs as Array<{ succeeded: boolean }>;
    expect(listed).toHaveLength(EVENT_RUNS);
    expect(listed.every((run) => !run.succeeded)).toBe(true);
  });
});

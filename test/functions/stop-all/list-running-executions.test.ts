/** functions/stop-all: the stop-all input (one name, names or a pattern, within the deployment's scope) and the listing into the fleet's ledger. */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  ResourceNotFound,
  SageMakerClient,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-sagemaker';
import { PACE_FRACTION } from '#stop-all/limits.js';
import { listRunningExecutions } from '#stop-all/list-running-executions.logic.js';
import type { StopAllLoopState } from '#stop-all/model.js';
import { matchesGlob, parseStopAllRequest, patternWithinScope } from '#stop-all/stop-all-request.js';
import { FakeClock, T0, sdkError } from '#test/support/fixtures.js';
import { EXECUTION_ID, MemoryLedgers, PIPELINE, arnOf, summary } from '#test/support/stop-all-fixtures.js';

const sagemaker = mockClient(SageMakerClient);
const limits = { maxItems: 100, maxPages: 100 };
let ledgers: MemoryLedgers;
const deps = (overrides: Partial<typeof limits> = {}, scope = '*') => ({
  sagemaker: new SageMakerClient({ region: 'us-east-1' }),
  ledgers,
  clock: new FakeClock(T0),
  limits: { ...limits, ...overrides },
  scope,
  defaults: { maxWaitSeconds: 900, signalRatePerSecond: 10 },
});
const first = (raw: Record<string, unknown> = { pipelineName: PIPELINE }): StopAllLoopState => ({ raw, executionId: EXECUTION_ID });

describe('parseStopAllRequest', () => {
  it("fills in the defaults: every running execution, the deployment's pace, no dry run", () => {
    // Act
    const parsed = parseStopAllRequest({ pipelineName: PIPELINE });
    const slower = parseStopAllRequest({ pipelineName: PIPELINE }, '*', 4);
    // Assess
    expect(parsed).toEqual({ pipelineName: PIPELINE, olderThanSeconds: 0, signalRatePerSecond: 10, dryRun: false });
    expect(slower.signalRatePerSecond).toBe(4);
  });

  it('keeps the options it passes on to every graceful stop', () => {
    // Prepare
    const raw = {
      pipelineNamePattern: 'nightly-*',
      olderThanSeconds: 3600,
      signalRatePerSecond: 50,
      reason: 'release 2026.11',
      maxWaitSeconds: 1200,
      releaseCallbacksAfterSeconds: 600,
      dryRun: true,
    };
    // Act
    const parsed = parseStopAllRequest(raw);
    // Assess
    expect(parsed).toEqual(raw);
  });

  it('takes a list of names, without duplicates', () => {
    // Act
    const parsed = parseStopAllRequest({ pipelineNames: ['a', 'b', 'a'] });
    // Assess
    expect(parsed.pipelineNames).toEqual(['a', 'b']);
  });

  it.each([
    [
      'a non-object input',
      'nightly-scoring',
      /^The input is "nightly-scoring"; expected a JSON object with pipelineName, pipelineNames or pipelineNamePattern\.$/,
    ],
    ['no selection', {}, /^The input names no pipelines; expected pipelineName, pipelineNames or pipelineNamePattern\.$/],
    [
      'two selections',
      { pipelineName: PIPELINE, pipelineNamePattern: 'n*' },
      /^The input gives pipelineName and pipelineNamePattern; expected exactly one of/,
    ],
    [
      'a pipeline ARN instead of a name',
      { pipelineName: `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${PIPELINE}` },
      /^pipelineName is an ARN; expected the pipeline's name/,
    ],
    ['an empty list of names', { pipelineNames: [] }, /^pipelineNames is an array; expected a list of 1 to 100 pipeline names\.$/],
    ['a bad name in the list', { pipelineNames: ['ok', 'not ok'] }, /^pipelineNames\[1\] is "not ok"; expected a pipeline name/],
    [
      'a pattern with other wildcards',
      { pipelineNamePattern: 'train?' },
      /^pipelineNamePattern is "train\?"; expected 1-256 letters, digits, hyphens and \*/,
    ],
    ['a string dryRun', { pipelineName: PIPELINE, dryRun: 'yes' }, /^dryRun is "yes"; expected true or false\.$/],
    [
      'a signalRatePerSecond of 51',
      { pipelineName: PIPELINE, signalRatePerSecond: 51 },
      /^signalRatePerSecond is number 51; expected an integer from 1 to 50\.$/,
    ],
    [
      'a signalRatePerSecond of 0',
      { pipelineName: PIPELINE, signalRatePerSecond: 0 },
      /^signalRatePerSecond is number 0; expected an integer from 1 to 50\.$/,
    ],
    [
      'a maxConcurrency',
      { pipelineName: PIPELINE, maxConcurrency: 5 },
      /^maxConcurrency is not a stop-all field: stop-all signals every run first .*; expected signalRatePerSecond/,
    ],
    [
      'a negative olderThanSeconds',
      { pipelineName: PIPELINE, olderThanSeconds: -1 },
      /^olderThanSeconds is number -1; expected an integer from 0 to 31536000\.$/,
    ],
    [
      'a grace period not below the deadline',
      { pipelineName: PIPELINE, maxWaitSeconds: 60, releaseCallbacksAfterSeconds: 60 },
      /^releaseCallbacksAfterSeconds \(60\) is not below maxWaitSeconds \(60\)/,
    ],
    [
      'an unknown field',
      { pipelineName: PIPELINE, status: 'Executing' },
      /^The input has unknown field\(s\) "status"; expected only pipelineName, pipelineNames, pipelineNamePattern,/,
    ],
  ])('rejects %s with InvalidInput saying what was expected', (_label, raw, message) => {
    // Assess
    expect(() => parseStopAllRequest(raw)).toThrow(
      expect.objectContaining({ name: 'InvalidInput', message: expect.stringMatching(message) }),
    );
  });

  it.each([
    [
      { pipelineNamePattern: '*' },
      'training-*',
      /^pipelineNamePattern "\*" reaches beyond this deployment's PipelineNamePattern "training-\*"/,
    ],
    [{ pipelineNamePattern: 'train*' }, 'training-*', /reaches beyond/],
    [{ pipelineName: 'scoring' }, 'training-*', /^The pipeline "scoring" is outside this deployment's PipelineNamePattern "training-\*"/],
    [{ pipelineNames: ['training-a', 'scoring'] }, 'training-*', /"scoring" is outside/],
  ])('rejects %j outside the deployment scope %s before anything is listed', (raw, scope, message) => {
    // Assess
    expect(() => parseStopAllRequest(raw, scope)).toThrow(
      expect.objectContaining({ name: 'InvalidInput', message: expect.stringMatching(message) }),
    );
  });

  it.each([
    ['training-*', 'training-*', true],
    ['training-nightly-*', 'training-*', true],
    ['training-a', 'training-*', true],
    ['*', '*', true],
    ['a*b', '*', true],
    ['*', 'training-*', false],
    ['train*', 'training-*', false],
    ['x-training-*', 'training-*', false],
  ])('patternWithinScope(%s, %s) is %s', (pattern, scope, within) => {
    expect(patternWithinScope(pattern, scope)).toBe(within);
  });

  it('matches a glob against whole names only', () => {
    expect(matchesGlob('training-*', 'training-a')).toBe(true);
    expect(matchesGlob('training-*', 'x-training-a')).toBe(false);
    expect(matchesGlob('a.b', 'axb')).toBe(false);
    expect(matchesGlob('a*a', 'a')).toBe(false);
    expect(matchesGlob('*-*-x', 'a-b-x')).toBe(true);
    expect(matchesGlob('ab*ba', 'aba')).toBe(false);
  });
});

describe('listRunningExecutions', () => {
  beforeEach(() => {
    sagemaker.reset();
    ledgers = new MemoryLedgers();
  });

  it('reads every page and writes the Executing and Stopping runs to the ledger, oldest first; the state carries counts only', async () => {
    // Prepare
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolvesOnce({ PipelineExecutionSummaries: [summary('new1', 'Executing', 1), summary('s1', 'Stopped', 2)], NextToken: 'p2' })
      .resolvesOnce({ PipelineExecutionSummaries: [summary('f1', 'Failed', 3), summary('old1', 'Executing', 50)], NextToken: 'p3' })
      .resolvesOnce({ PipelineExecutionSummaries: [summary('st1', 'Stopping', 60), summary('ok1', 'Succeeded', 70)] });

    // Act
    const state = await listRunningExecutions(
      first({ pipelineName: PIPELINE, reason: 'cleanup', releaseCallbacksAfterSeconds: 30 }),
      deps(),
    );

    // Assess
    expect(state.listing).toMatchObject({
      listedAt: T0,
      pipelines: 1,
      scanned: 6,
      pagesRead: 3,
      scanComplete: true,
      omitted: 0,
      tooRecent: 0,
    });
    expect(state.listing.byPipeline).toEqual([{ pipelineName: PIPELINE, executing: 2, stopping: 1 }]);
    expect(state.progress).toMatchObject({
      selected: 3,
      toSignal: 2,
      signalled: 0,
      takenIn: 1,
      draining: 3,
      signalling: true,
      done: false,
    });
    expect(state.request).toMatchObject({
      reason: 'cleanup',
      releaseCallbacksAfterSeconds: 30,
      maxWaitSeconds: 900,
      signalRatePerSecond: 10,
    });
    expect(state.ledger.key).toBe('stop-all/release-2026-11/ledger.json');
    expect(JSON.stringify(state)).not.toContain('old1');
    const ledger = ledgers.only;
    expect(ledger.runs.map((run) => [run.arn, run.listedStatus])).toEqual([
      [arnOf('st1'), 'Stopping'],
      [arnOf('old1'), 'Executing'],
      [arnOf('new1'), 'Executing'],
    ]);
    // A run taken in drains from the listing: its deadline and grace count from there.
    expect(ledger.runs[0]?.drainFrom).toBe(Date.parse(T0));
    expect(ledger.runs[1]?.drainFrom).toBeUndefined();
    expect(ledger.calls).toEqual({ ListPipelineExecutions: 3 });
    const inputs = sagemaker.commandCalls(ListPipelineExecutionsCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.NextToken)).toEqual([undefined, 'p2', 'p3']);
    expect(inputs[0]).toMatchObject({
      PipelineName: PIPELINE,
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 100,
      CreatedBefore: new Date(T0),
    });
  });

  it('paces its list calls at the signal rate', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [summary('s', 'Succeeded', 1)], NextToken: 'more' });
    const dependencies = deps({ maxPages: 21 });

    // Act
    await listRunningExecutions(first({ pipelineName: PIPELINE, signalRatePerSecond: 5 }), dependencies);

    // Assess: 21 calls at 5 a second (4 % under it, for the network's jitter) take 4 s / 0.96 (the first goes at once).
    expect(dependencies.clock.sleptSeconds).toBeCloseTo(4 / PACE_FRACTION, 5);
  });

  it('keeps a run exactly olderThanSeconds old and leaves a run one second younger running', async () => {
    // Prepare
    const at = (secondsBeforeT0: number, id: string): PipelineExecutionSummary => ({
      PipelineExecutionArn: arnOf(id),
      PipelineExecutionStatus: 'Executing',
      StartTime: new Date(Date.parse(T0) - secondsBeforeT0 * 1000),
    });
    sagemaker.on(ListPipelineExecutionsCommand).resolves({
      PipelineExecutionSummaries: [
        at(3599, 'young'),
        at(3600, 'boundary'),
        { PipelineExecutionArn: arnOf('ageless'), PipelineExecutionStatus: 'Executing' },
      ],
    });

    // Act
    const state = await listRunningExecutions(first({ pipelineName: PIPELINE, olderThanSeconds: 3600 }), deps());

    // Assess
    expect(ledgers.only.runs.map((run) => run.arn)).toEqual([arnOf('boundary')]);
    expect(state.listing.tooRecent).toBe(2);
  });

  it('applies olderThanSeconds to runs already Stopping too', async () => {
    // Prepare
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolves({ PipelineExecutionSummaries: [summary('young', 'Stopping', 1), summary('old', 'Stopping', 120)] });

    // Act
    const state = await listRunningExecutions(first({ pipelineName: PIPELINE, olderThanSeconds: 3600 }), deps());

    // Assess
    expect(ledgers.only.runs.map((run) => run.arn)).toEqual([arnOf('old')]);
    expect(state.progress).toMatchObject({ selected: 1, toSignal: 0, takenIn: 1 });
  });

  it('lists the pipelines a pattern matches (every page, narrowed by its prefix without the trailing hyphen SageMaker refuses) and their runs together, oldest first', async () => {
    // Prepare
    sagemaker
      .on(ListPipelinesCommand)
      .resolvesOnce({ PipelineSummaries: [{ PipelineName: 'training-a' }, { PipelineName: 'trainingx' }], NextToken: 'n2' })
      .resolvesOnce({ PipelineSummaries: [{ PipelineName: 'training-b' }] });
    sagemaker
      .on(ListPipelineExecutionsCommand, { PipelineName: 'training-a' })
      .resolves({ PipelineExecutionSummaries: [summary('a1', 'Executing', 5, 'training-a')] });
    sagemaker
      .on(ListPipelineExecutionsCommand, { PipelineName: 'training-b' })
      .resolves({ PipelineExecutionSummaries: [summary('b1', 'Executing', 9, 'training-b')] });

    // Act
    const state = await listRunningExecutions(first({ pipelineNamePattern: 'training-*' }), deps({}, 'training-*'));

    // Assess
    expect(sagemaker.commandCalls(ListPipelinesCommand).map((call) => call.args[0].input)).toEqual([
      { MaxResults: 100, PipelineNamePrefix: 'training' },
      { MaxResults: 100, PipelineNamePrefix: 'training', NextToken: 'n2' },
    ]);
    expect(state.listing.pipelines).toBe(2);
    expect(ledgers.only.runs.map((run) => run.arn)).toEqual([arnOf('b1', 'training-b'), arnOf('a1', 'training-a')]);
  });

  it('leaves out runs started after the listing', async () => {
    // Prepare
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolves({ PipelineExecutionSummaries: [summary('later', 'Executing', -5), summary('old', 'Executing', 5)] });

    // Act
    await listRunningExecutions(first(), deps());

    // Assess
    expect(ledgers.only.runs.map((run) => run.arn)).toEqual([arnOf('old')]);
  });

  it("stops at the deployment's cap, oldest first, counting what is left as omitted", async () => {
    // Prepare
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolves({ PipelineExecutionSummaries: [summary('a', 'Executing', 1), summary('b', 'Executing', 2), summary('c', 'Executing', 3)] });

    // Act
    const state = await listRunningExecutions(first(), deps({ maxItems: 2 }));

    // Assess
    expect(ledgers.only.runs.map((run) => run.arn)).toEqual([arnOf('c'), arnOf('b')]);
    expect(state.listing.omitted).toBe(1);
    expect(state.progress.selected).toBe(2);
  });

  it('keeps the state the same size whatever the number of runs: 10,000 runs, a few hundred bytes', async () => {
    // Prepare
    const pages = Array.from({ length: 100 }, (_, page) => ({
      PipelineExecutionSummaries: Array.from({ length: 100 }, (_, index) =>
        summary(`r${page * 100 + index}`, 'Executing', 10 + page * 100 + index),
      ),
      ...(page < 99 ? { NextToken: `p${page + 1}` } : {}),
    }));
    let call = sagemaker.on(ListPipelineExecutionsCommand);
    for (const page of pages) call = call.resolvesOnce(page);

    // Act
    const state = await listRunningExecutions(first(), deps({ maxItems: 100_000 }));

    // Assess
    expect(ledgers.only.runs).toHaveLength(10_000);
    expect(state.progress.selected).toBe(10_000);
    expect(JSON.stringify(state).length).toBeLessThan(2_000);
  });

  it('writes a dry run to the ledger too (the exact list of what it would signal), and lists the first 100 in the state', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({
      PipelineExecutionSummaries: Array.from({ length: 150 }, (_, index) =>
        summary(`r${index}`, index % 10 === 0 ? 'Stopping' : 'Executing', index + 1),
      ),
    });

    // Act
    const state = await listRunningExecutions(first({ pipelineName: PIPELINE, dryRun: true }), deps({ maxItems: 1_000 }));

    // Assess
    expect(ledgers.only.runs).toHaveLength(150);
    expect(state.candidates).toHaveLength(100);
    expect(state.candidates?.[0]).toMatchObject({ pipelineExecutionArn: arnOf('r149'), status: 'Executing', ageSeconds: 150 * 60 });
    expect(state.listing.byPipeline).toEqual([{ pipelineName: PIPELINE, executing: 135, stopping: 15 }]);
    expect(state.progress).toMatchObject({ done: true, signalling: false });
  });

  it('stops at the page bound and says the scan is incomplete', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [summary('s', 'Succeeded', 1)], NextToken: 'more' });

    // Act
    const state = await listRunningExecutions(first(), deps({ maxPages: 4 }));

    // Assess
    expect(sagemaker.commandCalls(ListPipelineExecutionsCommand)).toHaveLength(4);
    expect(state.listing).toMatchObject({ pagesRead: 4, scanned: 4, scanComplete: false });
    expect(state.progress.selected).toBe(0);
  });

  it('rejects a pattern outside the scope before listing or writing anything', async () => {
    // Act
    const listing = listRunningExecutions(first({ pipelineNamePattern: '*' }), deps({}, 'training-*'));

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('reaches beyond') });
    expect(sagemaker.calls()).toHaveLength(0);
    expect(ledgers.writes).toBe(0);
  });

  it("rejects a grace period not below the deployment's default deadline, naming it", async () => {
    // Act
    const listing = listRunningExecutions(first({ pipelineName: PIPELINE, releaseCallbacksAfterSeconds: 900 }), deps());

    // Assess
    await expect(listing).rejects.toMatchObject({
      name: 'InvalidInput',
      message:
        "releaseCallbacksAfterSeconds (900) is not below maxWaitSeconds (900, the deployment's default DefaultMaxWaitSeconds); expected a grace period shorter than the deadline: give a maxWaitSeconds above it, or no releaseCallbacksAfterSeconds.",
    });
  });

  it("fills in the deployment's deadline and grace as one graceful stop does, dropping a default grace that could never fire", async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [] });
    const withGrace = { ...deps(), defaults: { maxWaitSeconds: 900, releaseCallbacksAfterSeconds: 600, signalRatePerSecond: 10 } };

    // Act
    const defaulted = await listRunningExecutions(first({ pipelineName: PIPELINE }), withGrace);
    const shortDeadline = await listRunningExecutions(first({ pipelineName: PIPELINE, maxWaitSeconds: 300 }), withGrace);

    // Assess
    expect(defaulted.request).toMatchObject({ maxWaitSeconds: 900, releaseCallbacksAfterSeconds: 600 });
    expect(shortDeadline.request.maxWaitSeconds).toBe(300);
    expect(shortDeadline.request.releaseCallbacksAfterSeconds).toBeUndefined();
  });

  it('turns ResourceNotFound into PipelineNotFound naming the pipeline', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).rejects(new ResourceNotFound({ message: 'Pipeline not found', $metadata: {} }));

    // Act
    const listing = listRunningExecutions(first(), deps());

    // Assess
    await expect(listing).rejects.toMatchObject({
      name: 'PipelineNotFound',
      message: expect.stringContaining(`no pipeline named "${PIPELINE}"`),
    });
  });

  it('lets throttling through by name for the state machine Retry', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).rejects(sdkError('ThrottlingException', 'Rate exceeded'));

    // Act
    const listing = listRunningExecutions(first(), deps());

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

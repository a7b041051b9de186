/** functions/stop-all: one cycle of the fleet - signals at the pace, one bulk sweep of every status, deadlines, releases. */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  SendPipelineExecutionStepFailureCommand,
  StopPipelineExecutionCommand,
  DescribeTrainingJobCommand,
  StopTrainingJobCommand,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-sagemaker';
import { deriveClientRequestToken } from '#commons/tokens.js';
import { cycleSeconds, EVENTS_PER_CYCLE, SWEEP_PERIOD_SECONDS } from '#stop-all/fleet-progress.js';
import { ledgerRefOf } from '#stop-all/ledger.js';
import { PACE_FRACTION } from '#stop-all/limits.js';
import type { FleetLedger, FleetRun, ListedState } from '#stop-all/model.js';
import { signalAndSweep } from '#stop-all/signal-and-sweep.logic.js';
import { MAX_SIGNAL_ATTEMPTS } from '#stop-all/signal-runs.js';
import { MAX_RELEASE_CHECKS, RELEASE_RECHECK_SECONDS } from '#stop-all/release-after-grace.js';
import { FakeClock, NOT_EXECUTING_MESSAGE, T0, callbackStep, lambdaStep, sdkError } from '#test/support/fixtures.js';
import { MemoryObjects } from '#test/support/memory-objects.js';
import { s3StopRecords } from '#stop-records/stop-records.js';
import { EXECUTION_ID, MemoryLedgers, PIPELINE, arnOf, fleetRun, ledgerOf, request } from '#test/support/stop-all-fixtures.js';

const sagemaker = mockClient(SageMakerClient);
const REF = ledgerRefOf(EXECUTION_ID);
let ledgers: MemoryLedgers;
let clock: FakeClock;
let objects: MemoryObjects;

const stateOf = (): ListedState => ({
  executionId: EXECUTION_ID,
  request: request(),
  ledger: REF,
  listing: { listedAt: T0, pipelines: 1, scanned: 0, pagesRead: 0, scanComplete: true, tooRecent: 0, omitted: 0, byPipeline: [] },
  progress: {} as ListedState['progress'],
});
const given = async (ledger: FleetLedger): Promise<void> => ledgers.write(REF, ledger);
const cycle = (): Promise<ListedState> =>
  signalAndSweep(stateOf(), {
    sagemaker: new SageMakerClient({ region: 'us-east-1' }),
    ledgers,
    clock,
    stopRecords: s3StopRecords(objects),
  });
const runs = (): FleetRun[] => ledgers.only.runs;
const listed = (
  id: string,
  status: PipelineExecutionSummary['PipelineExecutionStatus'],
  extra: Partial<PipelineExecutionSummary> = {},
): PipelineExecutionSummary => ({
  PipelineExecutionArn: arnOf(id),
  PipelineExecutionStatus: status,
  StartTime: new Date(Date.parse(T0) - 60_000),
  ...extra,
});

describe('signalAndSweep', () => {
  beforeEach(() => {
    sagemaker.reset();
    ledgers = new MemoryLedgers();
    clock = new FakeClock(T0);
    objects = new MemoryObjects();
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [] });
    sagemaker.on(StopPipelineExecutionCommand).resolves({});
  });

  it('signals every Executing run once, with a token derived from the stop-all and the run, and never a run taken in', async () => {
    // Prepare
    await given(
      ledgerOf([fleetRun('a'), fleetRun('b', { listedStatus: 'Stopping', status: 'Stopping', drainFrom: Date.parse(T0) }), fleetRun('c')]),
    );

    // Act
    const state = await cycle();

    // Assess
    const calls = sagemaker.commandCalls(StopPipelineExecutionCommand).map((call) => call.args[0].input);
    expect(calls).toEqual([
      { PipelineExecutionArn: arnOf('a'), ClientRequestToken: deriveClientRequestToken(`${EXECUTION_ID}:${arnOf('a')}`, 'stop-all') },
      { PipelineExecutionArn: arnOf('c'), ClientRequestToken: deriveClientRequestToken(`${EXECUTION_ID}:${arnOf('c')}`, 'stop-all') },
    ]);
    expect(runs().map((run) => run.signal?.result)).toEqual(['Accepted', undefined, 'Accepted']);
    expect(runs()[0]?.drainFrom).toBe(runs()[0]?.signal?.at);
    expect(state.progress).toMatchObject({
      selected: 3,
      toSignal: 2,
      signalled: 2,
      accepted: 2,
      takenIn: 1,
      draining: 3,
      signalling: false,
      done: false,
    });
    expect(ledgers.only.calls.StopPipelineExecution).toBe(2);
  });

  it("times a drain to SageMaker's end of the run (its LastModifiedTime), not to the sweep that noticed it, reading each end once", async () => {
    // Prepare: the run was signalled at T0 and ended 3 s later; the sweep sees it ended 25 s after T0.
    const signalledAt = Date.parse(T0);
    await given(
      ledgerOf([
        fleetRun('a', {
          listedStatus: 'Executing',
          status: 'Stopping',
          drainFrom: signalledAt,
          signal: { result: 'Accepted', at: signalledAt, attempts: 1 },
        }),
      ]),
    );
    clock.advance(25);
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [listed('a', 'Stopped')] });
    sagemaker
      .on(DescribePipelineExecutionCommand)
      .resolves({ PipelineExecutionStatus: 'Stopped', LastModifiedTime: new Date(signalledAt + 3_000) });

    // Act
    await cycle();
    await cycle();

    // Assess
    expect(runs()[0]).toMatchObject({ status: 'Stopped', endedAt: signalledAt + 3_000, endTimeRead: true });
    expect(sagemaker.commandCalls(DescribePipelineExecutionCommand)).toHaveLength(1);
  });

  it('keeps the noticed end when SageMaker cannot say when the run ended', async () => {
    // Prepare
    await given(
      ledgerOf([
        fleetRun('a', { status: 'Stopping', drainFrom: Date.parse(T0), signal: { result: 'Accepted', at: Date.parse(T0), attempts: 1 } }),
      ]),
    );
    clock.advance(10);
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [listed('a', 'Stopped')] });
    sagemaker.on(DescribePipelineExecutionCommand).rejects(sdkError('ThrottlingException', 'Rate exceeded'));

    // Act
    await cycle();

    // Assess
    expect(runs()[0]?.endedAt).toBeGreaterThanOrEqual(Date.parse(T0) + 10_000);
    expect(runs()[0]?.endTimeRead).toBe(true);
  });

  it('paces the signals at the rate: never more than R a second (4 % under it), the first at once', async () => {
    // Prepare
    const times: number[] = [];
    sagemaker.on(StopPipelineExecutionCommand).callsFake(() => {
      times.push(clock.now());
      return {};
    });
    await given(
      ledgerOf(
        Array.from({ length: 25 }, (_, index) => fleetRun(`r${index}`)),
        { request: request({ signalRatePerSecond: 5 }) },
      ),
    );

    // Act
    await cycle();

    // Assess
    expect(times).toHaveLength(25);
    const gaps = times.slice(1).map((time, index) => time - (times[index] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeCloseTo((24 * 200) / PACE_FRACTION, 0);
  });

  it('keeps the pace across back-to-back cycles: the next invocation starts where the last one stopped', async () => {
    // Prepare
    const times: number[] = [];
    sagemaker.on(StopPipelineExecutionCommand).callsFake(() => {
      times.push(clock.now());
      return {};
    });
    const fleet = Array.from({ length: 300 }, (_, index) => fleetRun(`r${index}`));
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolves({ PipelineExecutionSummaries: fleet.map((run) => listed(run.arn.split('/').pop() ?? '', 'Executing')) });
    await given(ledgerOf(fleet, { request: request({ signalRatePerSecond: 10 }) }));

    // Act
    await cycle();
    const firstCycle = times.length;
    await cycle();

    // Assess
    expect(times.length).toBeGreaterThan(firstCycle);
    const gaps = times.slice(1).map((time, index) => time - (times[index] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
  });

  it('signals for most of one sweep period, then hands back with the cursor: the next cycle goes on where it stopped', async () => {
    // Prepare
    const fleet = Array.from({ length: 500 }, (_, index) => fleetRun(`r${index}`));
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolves({ PipelineExecutionSummaries: fleet.map((run) => listed(run.arn.split('/').pop() ?? '', 'Executing')) });
    await given(ledgerOf(fleet, { request: request({ signalRatePerSecond: 10 }) }));

    // Act
    const first = await cycle();
    const firstCount = sagemaker.commandCalls(StopPipelineExecutionCommand).length;
    const second = await cycle();

    // Assess: 24 s of a 25 s period at 10 a second (4 % under it), then the same again.
    expect(Math.abs(firstCount - (SWEEP_PERIOD_SECONDS - 1) * 10 * PACE_FRACTION)).toBeLessThanOrEqual(2);
    expect(first.progress).toMatchObject({ signalled: firstCount, signalling: true, nextWaitSeconds: 0 });
    const arns = sagemaker.commandCalls(StopPipelineExecutionCommand).map((call) => call.args[0].input.PipelineExecutionArn);
    expect(new Set(arns).size).toBe(arns.length);
    expect(second.progress.signalled).toBe(arns.length);
    expect(ledgers.only.nextSignal).toBe(arns.length);
  });

  it('retries ConflictException with backoff until accepted, and names a run whose retries run out SageMakerUnavailable', async () => {
    // Prepare
    sagemaker
      .on(StopPipelineExecutionCommand, { PipelineExecutionArn: arnOf('busy') })
      .rejectsOnce(sdkError('ConflictException', 'between steps'))
      .rejectsOnce(sdkError('ConflictException', 'between steps'))
      .resolves({});
    sagemaker
      .on(StopPipelineExecutionCommand, { PipelineExecutionArn: arnOf('stuck') })
      .rejects(sdkError('ConflictException', 'between steps'));
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolves({ PipelineExecutionSummaries: [listed('busy', 'Executing'), listed('ok', 'Executing'), listed('stuck', 'Executing')] });
    await given(ledgerOf([fleetRun('busy'), fleetRun('ok'), fleetRun('stuck')], { request: request({ maxWaitSeconds: 3600 }) }));

    // Act
    // The Wait state between cycles lets the clock run on.
    for (let index = 0; index < 6 && ledgers.only.runs.some((run) => !run.signal); index += 1)
      clock.advance((await cycle()).progress.nextWaitSeconds);

    // Assess
    const [busy, ok, stuck] = runs();
    expect(busy?.signal).toMatchObject({ result: 'Accepted', attempts: 3 });
    expect(ok?.signal).toMatchObject({ result: 'Accepted', attempts: 1 });
    expect(stuck?.signal).toMatchObject({ result: 'Rejected', attempts: MAX_SIGNAL_ATTEMPTS });
    expect(stuck?.error).toMatchObject({
      name: 'SageMakerUnavailable',
      cause: expect.stringContaining(`got no usable answer in ${MAX_SIGNAL_ATTEMPTS} attempts (ConflictException`),
    });
    // The same token on every attempt: SageMaker sees one stop.
    const tokens = new Set(
      sagemaker
        .commandCalls(StopPipelineExecutionCommand, { PipelineExecutionArn: arnOf('busy') })
        .map((call) => call.args[0].input.ClientRequestToken),
    );
    expect(tokens.size).toBe(1);
  });

  it('names a run SageMaker refuses to stop StopRejected and goes on with the others', async () => {
    // Prepare
    sagemaker
      .on(StopPipelineExecutionCommand, { PipelineExecutionArn: arnOf('denied') })
      .rejects(sdkError('AccessDeniedException', 'not allowed'));
    await given(ledgerOf([fleetRun('denied'), fleetRun('ok')]));

    // Act
    const state = await cycle();

    // Assess
    expect(runs()[0]?.error).toEqual({
      name: 'StopRejected',
      cause: `SageMaker refused to stop ${arnOf('denied')}: AccessDeniedException: not allowed`,
    });
    expect(runs()[1]?.signal?.result).toBe('Accepted');
    expect(state.progress).toMatchObject({ errored: 1, draining: 1 });
  });

  it('reads whose stop it was from the first sweep after a refused signal: another stop still draining it, or none', async () => {
    // Prepare
    const notExecuting = sdkError('ValidationException', `Pipeline execution is in status 'Stopping'. ${NOT_EXECUTING_MESSAGE}.`);
    sagemaker.on(StopPipelineExecutionCommand).rejects(notExecuting);
    // The first sweep reads before the runs changed; the second sees what the refused signals met.
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolvesOnce({ PipelineExecutionSummaries: [listed('other', 'Executing'), listed('ended', 'Executing')] })
      .resolves({ PipelineExecutionSummaries: [listed('other', 'Stopping'), listed('ended', 'Succeeded')] });
    await given(ledgerOf([fleetRun('other'), fleetRun('ended')]));

    // Act
    await cycle();
    await cycle();

    // Assess
    const [other, ended] = runs();
    expect(other).toMatchObject({ signal: { result: 'NotExecuting' }, statusAtStop: 'Stopping', status: 'Stopping' });
    expect(ended).toMatchObject({
      signal: { result: 'NotExecuting' },
      statusAtStop: 'Succeeded',
      status: 'Succeeded',
      endedAt: expect.any(Number),
    });
  });

  it('counts a run that ended before its signal as ended, whichever of the signal and the sweep comes first', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [listed('done', 'Succeeded')] });
    sagemaker
      .on(StopPipelineExecutionCommand)
      .rejects(sdkError('ValidationException', `Pipeline execution is in status 'Succeeded'. ${NOT_EXECUTING_MESSAGE}.`));
    await given(ledgerOf([fleetRun('done')]));

    // Act
    const state = await cycle();

    // Assess
    expect(state.progress).toMatchObject({ done: true, ended: { Succeeded: 1 } });
  });

  it("reads every status in bulk: one ListPipelineExecutions page per 100 runs of a pipeline, within the live runs' window", async () => {
    // Prepare
    const fleet = Array.from({ length: 250 }, (_, index) =>
      fleetRun(`r${index}`, {
        signal: { at: Date.parse(T0), result: 'Accepted', attempts: 1 },
        drainFrom: Date.parse(T0),
        startedAt: Date.parse(T0) - (300 - index) * 1000,
      }),
    );
    const summaries = fleet.map(
      (run, index) =>
        ({ PipelineExecutionArn: run.arn, PipelineExecutionStatus: index < 40 ? 'Stopped' : 'Stopping' }) as PipelineExecutionSummary,
    );
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolvesOnce({ PipelineExecutionSummaries: summaries.slice(0, 100), NextToken: 'p2' })
      .resolvesOnce({ PipelineExecutionSummaries: summaries.slice(100, 200), NextToken: 'p3' })
      .resolvesOnce({ PipelineExecutionSummaries: summaries.slice(200) });
    await given(ledgerOf(fleet, { nextSignal: 250 }));

    // Act
    const state = await cycle();

    // Assess
    const inputs = sagemaker.commandCalls(ListPipelineExecutionsCommand).map((call) => call.args[0].input);
    expect(inputs).toHaveLength(3);
    expect(inputs[0]).toEqual({
      PipelineName: PIPELINE,
      CreatedAfter: new Date(Date.parse(T0) - 301_000),
      CreatedBefore: new Date(T0),
      SortBy: 'CreationTime',
      SortOrder: 'Ascending',
      MaxResults: 100,
    });
    expect(sagemaker.commandCalls(StopPipelineExecutionCommand)).toHaveLength(0);
    expect(state.progress).toMatchObject({ ended: { Stopped: 40 }, draining: 210, done: false, signalling: false });
    expect(state.progress.nextWaitSeconds).toBeGreaterThanOrEqual(1);
    expect(state.progress.nextWaitSeconds).toBeLessThanOrEqual(SWEEP_PERIOD_SECONDS);
    expect(runs()[0]?.endedAt).toBeGreaterThanOrEqual(Date.parse(T0));
    expect(runs()[40]?.endedAt).toBeUndefined();
  });

  it('is done when every run has ended, and names the failed step of a run that ended Failed (its steps read once)', async () => {
    // Prepare
    const signalled = { signal: { at: Date.parse(T0), result: 'Accepted' as const, attempts: 1 }, drainFrom: Date.parse(T0) };
    sagemaker.on(ListPipelineExecutionsCommand).resolves({
      PipelineExecutionSummaries: [
        listed('stopped', 'Stopped'),
        listed('failed', 'Failed', { PipelineExecutionFailureReason: 'Step failure: One or multiple steps failed.' }),
      ],
    });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({
      PipelineExecutionSteps: [
        lambdaStep('Score', 'Failed', { FailureReason: 'Lambda function timed out' }),
        lambdaStep('Prepare', 'Succeeded'),
      ],
    });
    await given(ledgerOf([fleetRun('stopped', signalled), fleetRun('failed', signalled)], { nextSignal: 2 }));

    // Act
    const state = await cycle();

    // Assess
    expect(state.progress).toMatchObject({ done: true, draining: 0, ended: { Stopped: 1, Failed: 1 }, nextWaitSeconds: 0 });
    expect(sagemaker.commandCalls(ListPipelineExecutionStepsCommand)).toHaveLength(1);
    expect(runs()[1]?.steps).toEqual([
      expect.objectContaining({ name: 'Score', type: 'Lambda', status: 'Failed', failureReason: 'Lambda function timed out' }),
    ]);
  });

  it('times out a run still draining at its deadline and reads its steps to name what still drains', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [listed('slow', 'Stopping')] });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [lambdaStep('Score', 'Executing')] });
    await given(
      ledgerOf([fleetRun('slow', { signal: { at: Date.parse(T0), result: 'Accepted', attempts: 1 }, drainFrom: Date.parse(T0) })], {
        nextSignal: 1,
        request: request({ maxWaitSeconds: 60 }),
      }),
    );
    clock.advance(61);

    // Act
    const state = await cycle();

    // Assess
    expect(runs()[0]).toMatchObject({ timedOut: true, steps: [expect.objectContaining({ name: 'Score', status: 'Executing' })] });
    expect(state.progress).toMatchObject({ timedOut: 1, draining: 0, done: true });
  });

  it('releases the callback steps of a run past its grace once, masked, and never those of a run that ended on its own', async () => {
    // Prepare
    const token = 'tok-abcdefghij';
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolves({ PipelineExecutionSummaries: [listed('waiting', 'Stopping'), listed('young', 'Stopping')] });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [callbackStep('Approve', token, 'Executing')] });
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    const signalledAt = (secondsAgo: number) => ({
      signal: { at: Date.parse(T0) - secondsAgo * 1000, result: 'Accepted' as const, attempts: 1 },
      drainFrom: Date.parse(T0) - secondsAgo * 1000,
    });
    await given(
      ledgerOf([fleetRun('waiting', signalledAt(120)), fleetRun('young', signalledAt(10))], {
        nextSignal: 2,
        request: request({ releaseCallbacksAfterSeconds: 60, reason: 'release 2026.11' }),
      }),
    );

    // Act
    await cycle();
    await cycle();

    // Assess
    const releases = sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand).map((call) => call.args[0].input);
    expect(releases).toEqual([
      {
        CallbackToken: token,
        FailureReason: 'Released by graceful stop after 60 s without an answer to the Stopping message: release 2026.11',
        ClientRequestToken: deriveClientRequestToken(`${EXECUTION_ID}:${token}`, 'release'),
      },
    ]);
    expect(runs()[0]).toMatchObject({ releaseChecks: 1, released: 1 });
    expect(runs()[1]?.releaseChecks).toBeUndefined();
    expect([...ledgers.objects.values()].join('')).not.toContain(token);
  });

  it(`checks a run still draining again every ${RELEASE_RECHECK_SECONDS} s after its grace (a step that got its token late), ${MAX_RELEASE_CHECKS} times at most`, async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [listed('slow', 'Stopping')] });
    sagemaker
      .on(ListPipelineExecutionStepsCommand)
      .resolves({ PipelineExecutionSteps: [callbackStep('Approve', 'tok-late-1234', 'Executing')] });
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    await given(
      ledgerOf([fleetRun('slow', { signal: { at: Date.parse(T0), result: 'Accepted', attempts: 1 }, drainFrom: Date.parse(T0) })], {
        nextSignal: 1,
        request: request({ releaseCallbacksAfterSeconds: 60, maxWaitSeconds: 86_400 }),
      }),
    );
    clock.advance(61);

    // Act: a cycle, another at once, then one after each recheck interval, five in all.
    const checksAfter: number[] = [];
    for (const wait of [0, 0, RELEASE_RECHECK_SECONDS + 1, RELEASE_RECHECK_SECONDS + 1, RELEASE_RECHECK_SECONDS + 1]) {
      clock.advance(wait);
      await cycle();
      checksAfter.push(runs()[0]?.releaseChecks ?? 0);
    }

    // Assess
    expect(checksAfter).toEqual([1, 1, 2, 3, 3]);
    expect(sagemaker.commandCalls(ListPipelineExecutionStepsCommand)).toHaveLength(MAX_RELEASE_CHECKS);
  });

  it('stops a job still running behind a run that ended Failed, and counts it among the leftovers', async () => {
    // Prepare
    const job = 'arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-failed-train-x1';
    sagemaker.on(ListPipelineExecutionsCommand).resolves({
      PipelineExecutionSummaries: [
        listed('failed', 'Failed', { PipelineExecutionFailureReason: 'Step failure: One or multiple steps failed.' }),
      ],
    });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({
      PipelineExecutionSteps: [
        { StepName: 'Train', StepStatus: 'Stopped', Metadata: { TrainingJob: { Arn: job } } },
        {
          StepName: 'Score',
          StepStatus: 'Failed',
          FailureReason: 'Lambda step timed out after 600 seconds',
          Metadata: { Lambda: { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:score' } },
        },
      ],
    });
    sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobStatus: 'InProgress' });
    sagemaker.on(StopTrainingJobCommand).resolves({});
    await given(
      ledgerOf(
        [
          fleetRun('failed', {
            signal: { at: Date.parse(T0), result: 'Accepted', attempts: 1 },
            drainFrom: Date.parse(T0),
            status: 'Stopping',
          }),
        ],
        { nextSignal: 1 },
      ),
    );

    // Act
    await cycle();

    // Assess
    expect(sagemaker.commandCalls(StopTrainingJobCommand).map((call) => call.args[0].input)).toEqual([
      { TrainingJobName: 'pipelines-failed-train-x1' },
    ]);
    expect(runs()[0]).toMatchObject({
      leftoverCount: 2,
      leftovers: [
        { stepName: 'Train', kind: 'TrainingJob', action: 'StopRequested' },
        { stepName: 'Score', kind: 'LambdaFunction', action: 'CannotStop' },
      ],
    });
  });

  it('counts a run two complete sweeps no longer list as PipelineExecutionNotFound', async () => {
    // Prepare
    await given(
      ledgerOf([fleetRun('gone', { signal: { at: Date.parse(T0), result: 'Accepted', attempts: 1 }, drainFrom: Date.parse(T0) })], {
        nextSignal: 1,
      }),
    );

    // Act
    const once = await cycle();
    const twice = await cycle();

    // Assess
    expect(once.progress.errored).toBe(0);
    expect(twice.progress).toMatchObject({ errored: 1, done: true });
    expect(runs()[0]?.error?.name).toBe('PipelineExecutionNotFound');
  });

  it('never makes more than R calls a second of any one operation while signalling and sweeping at once', async () => {
    // Prepare
    const times: Record<string, number[]> = {};
    const record = (operation: string) => () => {
      (times[operation] ??= []).push(clock.now());
      return operation === 'ListPipelineExecutions' ? { PipelineExecutionSummaries: [], NextToken: 'more' } : {};
    };
    sagemaker.on(StopPipelineExecutionCommand).callsFake(record('StopPipelineExecution'));
    sagemaker.on(ListPipelineExecutionsCommand).callsFake(record('ListPipelineExecutions'));
    await given(
      ledgerOf(
        Array.from({ length: 100 }, (_, index) => fleetRun(`r${index}`)),
        { request: request({ signalRatePerSecond: 4 }) },
      ),
    );

    // Act
    await cycle();

    // Assess
    for (const [operation, stamps] of Object.entries(times)) {
      for (let index = 4; index < stamps.length; index += 1) {
        expect(stamps[index]! - stamps[index - 4]!, operation).toBeGreaterThanOrEqual(1000);
      }
    }
    expect(Object.keys(times).sort()).toEqual(['ListPipelineExecutions', 'StopPipelineExecution']);
    // The ledger counts its own busiest second per operation, for the report.
    expect(ledgers.only.peaks).toEqual({ ListPipelineExecutions: 4, StopPipelineExecution: 4 });
  });
  it("writes each run's stop record before its signal, and records the runs it takes in, once each", async () => {
    // Prepare
    const recordsAtSignal: number[] = [];
    sagemaker.on(StopPipelineExecutionCommand).callsFake((input: { PipelineExecutionArn: string }) => {
      recordsAtSignal.push([...objects.objects.values()].filter((text) => text.includes(input.PipelineExecutionArn)).length);
      return {};
    });
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [] });
    await given(
      ledgerOf([fleetRun('a'), fleetRun('b'), fleetRun('c', { listedStatus: 'Stopping', status: 'Stopping', drainFrom: Date.parse(T0) })]),
    );
    const records = s3StopRecords(objects);

    // Act
    await cycle();
    await cycle();

    // Assess
    expect(recordsAtSignal).toEqual([1, 1]);
    for (const id of ['a', 'b', 'c']) expect(await records.stopsOn(arnOf(id)), id).toHaveLength(1);
    expect(objects.calls.filter(([method]) => method === 'PUT')).toHaveLength(3);
    expect(runs().map((run) => run.recorded)).toEqual([true, true, true]);
  });

  it('keeps writing stop records ahead of the signals for the whole cycle, not only its first hundred', async () => {
    // Prepare: 400 runs at 20 a second: some 460 signals fit in one cycle
    const recordsAhead: number[] = [];
    let signals = 0;
    sagemaker.on(StopPipelineExecutionCommand).callsFake(() => {
      signals += 1;
      recordsAhead.push([...objects.objects.keys()].filter((key) => key.startsWith('stops/')).length - signals);
      return {};
    });
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [] });
    await given(
      ledgerOf(
        Array.from({ length: 400 }, (_, index) => fleetRun(`r${index}`)),
        { request: request({ signalRatePerSecond: 20 }) },
      ),
    );

    // Act
    await cycle();

    // Assess: every run signalled, and its record never the last one written when it was
    expect(signals).toBe(400);
    expect(recordsAhead.slice(0, 350).every((ahead) => ahead > 0)).toBe(true);
  });

  it('lets run end events cut the sleep short only while the history has room for the extra cycles', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({});
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [] });
    const draining = fleetRun('a', {
      signal: { at: Date.parse(T0), result: 'Accepted', attempts: 1 },
      drainFrom: Date.parse(T0),
      status: 'Stopping',
    });
    await given(ledgerOf([draining], { nextSignal: 1, cycles: 10 }));
    const roomy = await cycle();
    await given(ledgerOf([draining], { nextSignal: 1, cycles: 2_500 }));

    // Act
    const crowded = await cycle();

    // Assess
    expect(roomy.progress).toMatchObject({ done: false, wakeable: true });
    expect(crowded.progress).toMatchObject({ done: false, wakeable: false });
  });
});

describe('cycleSeconds', () => {
  it('keeps a sweep every 25 s for the usual fleets, so an end is noticed within 30 s', () => {
    expect(cycleSeconds(1_000, 10, 900)).toBe(SWEEP_PERIOD_SECONDS);
    expect(cycleSeconds(10_000, 10, 3_600)).toBe(SWEEP_PERIOD_SECONDS);
  });

  it.each([
    [10_000, 1, 86_400],
    [100_000, 1, 86_400],
    [100_000, 50, 86_400],
    [1, 50, 86_400],
  ])('stays under 25,000 history events for %i runs at %i a second with a %i s deadline', (runs, rate, maxWait) => {
    // Act
    const period = cycleSeconds(runs, rate, maxWait);
    // Assess: the cycles the signals and the deadline need, at 9 events each, plus the listing and report.
    const cycles = Math.ceil((runs / rate + maxWait) / period) + 1;
    expect(cycles * EVENTS_PER_CYCLE + 50).toBeLessThan(25_000);
    expect(period).toBeLessThanOrEqual(120);
  });
});

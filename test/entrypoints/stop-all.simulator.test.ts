/**
 * Entry point "stop all": statemachine/stop-all.asl.json on the embedded
 * engine with the BUILT bundles (`node scripts/build.mjs` first), its fleet
 * ledger in the local S3, against the SageMaker Pipelines simulator with
 * several running executions of one pipeline.
 *
 * Every execution runs the same definition: Prepare (Processing, 30 s) then
 * Score (Lambda, 300 s, times out after 160 s). One execution is started early
 * and stopped while Score runs: its Lambda step times out while draining, so
 * it ends Failed (PipelineExecutionFailed, naming the step). The others are
 * stopped during Prepare and end Stopped; one was stopped and ended before
 * stop-all ran and is not listed; one is Stopping when stop-all lists (someone
 * else's stop, a slow drain) and is taken in: waited for, never signalled.
 * Simulated time runs K times faster everywhere (simulator, handler clock,
 * Wait states).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { runStopAllLocally } from '#cli/stop-all-local.js';
import { humanStopAllResult, stopAllExitCode } from '#cli/stop-all-view.js';
import type { LocalStateMachine } from '#local/engine/runner.js';

import { startLocalCloud, type LocalCloud } from '#local/cloud.js';
import type { Emulators } from '#local/emulators.js';
import type { StopAllSummary } from '#stop-all/model.js';
import { pathOf } from '#test/support/run-path.js';
import { waitFor } from '#local/bounded.js';

const K = 20;
const RUN = { timeScale: K, retryIntervalMs: 20 };
const PIPELINE = 'nightly-scoring';
const DEFINITION = JSON.stringify({
  Version: '2020-12-01',
  Metadata: {},
  Parameters: [],
  Steps: [
    {
      Name: 'Prepare',
      Type: 'Processing',
      Arguments: { ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } } },
      Simulation: { DurationSeconds: 30, StopDurationSeconds: 2 },
    },
    {
      Name: 'Score',
      Type: 'Lambda',
      DependsOn: ['Prepare'],
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:score',
      Arguments: {},
      OutputParameters: [],
      // Times out 160 simulated s (8 s real) after it starts: long after stop-all has listed the run, even on a busy machine.
      Simulation: { DurationSeconds: 300, TimeoutSeconds: 160 },
    },
  ],
});
/** A training step that drains for 120 simulated s when stopped: a run someone else stopped is still Stopping when stop-all lists. */
const SLOW_STOP = JSON.stringify({
  Version: '2020-12-01',
  Steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 36_000, StopDurationSeconds: 120 } }],
});

/** Until `ready()` holds, bounded. */
const waitUntil = (what: string, ready: () => Promise<boolean>): Promise<boolean> => waitFor(what, ready, (ok) => ok, { intervalMs: 50 });

describe('stop-all state machine on the embedded engine against the simulator', () => {
  let cloud: LocalCloud;
  let stack: Emulators;
  let sagemaker: SageMakerClient;
  let stopAll: LocalStateMachine;

  beforeAll(async () => {
    // Read by the bundles at import: their clock runs K times faster, like the simulator's.
    process.env.GRACEFUL_STOP_TIME_SCALE = String(K);
    cloud = await startLocalCloud({ timeScale: K, events: false });
    stack = cloud.emulators;
    stopAll = cloud.stopAll;
    sagemaker = new SageMakerClient({ endpoint: stack.endpoints.sagemakerEndpoint, region: 'us-east-1' });
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: PIPELINE,
        RoleArn: 'arn:aws:iam::123456789012:role/pipeline',
        PipelineDefinition: DEFINITION,
      }),
    );
  });

  afterAll(async () => {
    sagemaker?.destroy();
    await cloud?.close();
  });

  const start = async (): Promise<string> => {
    const { PipelineExecutionArn } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: PIPELINE }));
    if (!PipelineExecutionArn) throw new Error('StartPipelineExecution returned no ARN.');
    return PipelineExecutionArn;
  };
  const status = async (arn: string): Promise<string | undefined> =>
    (await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }))).PipelineExecutionStatus;

  const stopsAccepted = (): number => stack.simulator.stats().callsByOperation.StopPipelineExecution ?? 0;

  it('signals every running execution, takes in the one already Stopping, and reports each end, the failed one first with its step', async () => {
    // Prepare
    const early = await start();
    await waitUntil('Score to run in the early execution', async () => {
      const { PipelineExecutionSteps = [] } = await sagemaker.send(
        new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: early, MaxResults: 100 }),
      );
      return PipelineExecutionSteps.some((step) => step.StepName === 'Score' && step.StepStatus === 'Executing');
    });
    const late = [await start(), await start()];
    const alreadyStopped = await start();
    await sagemaker.send(
      new StopPipelineExecutionCommand({
        PipelineExecutionArn: alreadyStopped,
        ClientRequestToken: 'stopped-by-someone-else-before-stop-all',
      }),
    );
    await waitUntil('the already-stopped execution to be Stopped', async () => (await status(alreadyStopped)) === 'Stopped');
    // Someone else's stop of a run that drains for 120 simulated s (6 s real): still Stopping when stop-all lists, even on a busy machine.
    const slowPipeline = `${PIPELINE}-slow`;
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: slowPipeline,
        RoleArn: 'arn:aws:iam::123456789012:role/pipeline',
        PipelineDefinition: SLOW_STOP,
      }),
    );
    const { PipelineExecutionArn: draining = '' } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: slowPipeline }));
    await sagemaker.send(
      new StopPipelineExecutionCommand({ PipelineExecutionArn: draining, ClientRequestToken: 'stopped-by-someone-else-while-it-drains' }),
    );
    const stopsBefore = stopsAccepted();

    // Act
    const result = await stopAll.run({ pipelineNames: [PIPELINE, slowPipeline], reason: 'stop-all test' }, RUN);

    // Assess
    expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
      status: 'SUCCEEDED',
      error: undefined,
      cause: undefined,
    });
    const summary = result.output as StopAllSummary;
    expect(summary).toMatchObject({
      pipelineName: `${PIPELINE}, ${slowPipeline}`,
      selected: 4,
      takenIn: 1,
      signalled: 3,
      omitted: 0,
      scanComplete: true,
      succeeded: 3,
      failed: 1,
      outcomes: { Stopped: 3 },
      errors: { PipelineExecutionFailed: 1 },
      finalStatuses: { Stopped: 3, Failed: 1 },
    });
    expect(summary.runs.map((run) => run.pipelineExecutionArn).sort()).toEqual([early, ...late, draining].sort());
    expect(summary.runs[0]).toMatchObject({
      pipelineExecutionArn: early,
      origin: 'Signalled',
      error: 'PipelineExecutionFailed',
      finalStatus: 'Failed',
    });
    expect(summary.runs[0]?.cause).toMatch(/Lambda step 'Score' failed/);
    expect(summary.runs.find((run) => run.pipelineExecutionArn === draining)).toMatchObject({
      origin: 'TakenIn',
      outcome: 'Stopped',
      finalStatus: 'Stopped',
    });
    // Only the three Executing runs were signalled: the one already Stopping was waited for, not stopped again.
    expect(stopsAccepted() - stopsBefore).toBe(3);
    expect(summary.sageMakerCalls.StopPipelineExecution).toBe(3);
    expect(summary.secondsToLastSignal).toEqual(expect.any(Number));
    expect(summary.secondsToLastEnd).toBeGreaterThanOrEqual(summary.secondsToLastSignal ?? 0);
    expect(summary.slowestDrains[0]?.drainSeconds).toBeGreaterThan(0);
    expect(await status(early)).toBe('Failed');
    for (const arn of [...late, draining]) expect(await status(arn)).toBe('Stopped');
    const path = pathOf(result);
    expect(path.slice(0, 4)).toEqual(['Capture Input', 'List Running Executions', 'Dry Run?', 'Signal And Sweep']);
    expect(path).toContain('Wait For Sweep');
    expect(path.slice(-2)).toEqual(['Summarise Stop All', 'Stop All Finished']);
  });

  it('lets the next guard run take in what a guard run that outlasts its schedule is still stopping: nothing signalled twice', async () => {
    // Prepare
    const pipelineName = 'guard-overlap';
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: pipelineName,
        RoleArn: 'arn:aws:iam::123456789012:role/pipeline',
        PipelineDefinition: SLOW_STOP,
      }),
    );
    const arns: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const { PipelineExecutionArn = '' } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineName }));
      arns.push(PipelineExecutionArn);
    }
    const first = stopAll.run({ pipelineName, reason: 'runaway guard, first run' }, RUN);
    await waitUntil('the first guard run to have signalled every run', async () =>
      (await Promise.all(arns.map(status))).every((value) => value === 'Stopping'),
    );

    // Act
    const second = await stopAll.run({ pipelineName, reason: 'runaway guard, next run' }, RUN);
    const firstResult = await first;

    // Assess
    expect(second.status, second.cause).toBe('SUCCEEDED');
    expect(second.output).toMatchObject({
      selected: 3,
      signalled: 0,
      takenIn: 3,
      succeeded: 3,
      succeededSignalled: 0,
      outcomes: { Stopped: 3 },
    });
    expect((second.output as StopAllSummary).sageMakerCalls.StopPipelineExecution).toBeUndefined();
    expect(firstResult.output).toMatchObject({ selected: 3, signalled: 3, succeededSignalled: 3 });
  });

  it('stops nothing twice and counts nothing twice when two stop-alls run over the same runs at once', async () => {
    // Prepare
    const pipelineName = 'twice-stopped';
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: pipelineName,
        RoleArn: 'arn:aws:iam::123456789012:role/pipeline',
        PipelineDefinition: SLOW_STOP,
      }),
    );
    const arns: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      const { PipelineExecutionArn = '' } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineName }));
      arns.push(PipelineExecutionArn);
    }
    const stopsBefore = stopsAccepted();

    // Act
    const [first, second] = await Promise.all([
      stopAll.run({ pipelineName, signalRatePerSecond: 1, reason: 'first' }, RUN),
      stopAll.run({ pipelineName, signalRatePerSecond: 1, reason: 'second' }, RUN),
    ]);

    // Assess
    const summaries = [first, second].map((result) => {
      expect(result.status, result.cause).toBe('SUCCEEDED');
      return result.output as StopAllSummary;
    });
    // Each run's stop was accepted once: by one of the two; the other found it Stopping and took it in or was refused.
    const acceptedByEither = (summaries[0]?.signalled ?? 0) + (summaries[1]?.signalled ?? 0);
    expect(acceptedByEither).toBe(6);
    expect((summaries[0]?.succeededSignalled ?? 0) + (summaries[1]?.succeededSignalled ?? 0)).toBe(6);
    for (const summary of summaries) expect(summary).toMatchObject({ selected: 6, succeeded: 6, failed: 0 });
    for (const arn of arns) expect(await status(arn)).toBe('Stopped');
    // Every StopPipelineExecution that reached SageMaker beyond the six accepted ones was refused (not Executing): none stopped a run twice.
    const refused = stack.simulator.stats().errorsByCode.ValidationException ?? 0;
    expect(stopsAccepted() - stopsBefore - refused).toBeLessThanOrEqual(6);
  });

  it('finds nothing to stop when every execution of the pipeline has ended, and says so', async () => {
    // Prepare
    const pipelineName = 'ended-runs-only';
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: pipelineName,
        RoleArn: 'arn:aws:iam::123456789012:role/pipeline',
        PipelineDefinition: DEFINITION,
      }),
    );
    const { PipelineExecutionArn: ended = '' } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineName }));
    await sagemaker.send(
      new StopPipelineExecutionCommand({ PipelineExecutionArn: ended, ClientRequestToken: 'stopped-before-stop-all-ran-000001' }),
    );
    await waitUntil('the execution to be Stopped', async () => (await status(ended)) === 'Stopped');

    // Act
    const result = await stopAll.run({ pipelineName }, RUN);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({
      pipelineName,
      selected: 0,
      signalled: 0,
      succeeded: 0,
      failed: 0,
      outcomes: {},
      errors: {},
      runs: [],
    });
    expect(pathOf(result)).toEqual([
      'Capture Input',
      'List Running Executions',
      'Dry Run?',
      'Signal And Sweep',
      'Fleet Done?',
      'Summarise Stop All',
      'Stop All Finished',
    ]);
  });

  it('runs from the CLI locally (graceful-stop stop-all), printing the live counts after every cycle and the report, exit 0', async () => {
    // Prepare
    const pipelineName = 'cli-local';
    const training = JSON.stringify({
      Version: '2020-12-01',
      Steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 10_000, StopDurationSeconds: 40 } }],
    });
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: pipelineName,
        RoleArn: 'arn:aws:iam::123456789012:role/pipeline',
        PipelineDefinition: training,
      }),
    );
    for (let index = 0; index < 2; index += 1) await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineName }));
    const lines: string[] = [];

    // Act
    const result = await runStopAllLocally(
      { pipelineName },
      { timeScale: K, progress: { isTTY: false, write: (text: string) => lines.push(text) } },
    );

    // Assess
    expect(stopAllExitCode(result)).toBe(0);
    expect(lines[0]).toBe(`2 run(s) of ${pipelineName} in 1 pipeline(s): signalling 2 at 10/s, 0 already Stopping (taken in)\n`);
    // Plain lines (no TTY): the counts once listed, then after every cycle, the last one done.
    expect(lines[1]).toMatch(/^ {2}\d+ s: signalled 0\/2 · draining 2 · ended 0 · time left: unknown until a run ends\n$/);
    expect(lines.some((line) => /signalled 2\/2 · draining 2 · ended 0/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/signalled 2\/2 · draining 0 · ended 2 \(Stopped 2\) · done\n$/);
    expect(humanStopAllResult(result).split('\n').slice(0, 4)).toEqual([
      `stop-all ${pipelineName}: 2 run(s), 2 signalled, 0 taken in; 2 ended well, 0 did not`,
      '  outcomes: Stopped 2',
      '  errors: none',
      '  final statuses: Stopped 2',
    ]);
    // Runs that ended well are counted, not listed: the ledger has every one.
    expect(humanStopAllResult(result)).toMatch(
      /\n {2}every run, with its signal and end: s3:\/\/graceful-stop-fleet-ledgers\/stop-all\/[^/]+\/ledger\.json$/,
    );
    expect(humanStopAllResult(result)).not.toContain('Stopped: arn:');
  });

  it('fails with PipelineNotFound and a readable cause for a pipeline SageMaker does not know', async () => {
    // Prepare
    const input = { pipelineName: 'no-such-pipeline' };

    // Act
    const result = await stopAll.run(input, RUN);

    // Assess
    expect(pathOf(result)).toEqual([
      'Capture Input',
      'List Running Executions',
      'caught: List Running Executions',
      'Read Listing Failure',
      'Listing Failed',
    ]);
    expect(result.error).toBe('PipelineNotFound');
    expect(result.cause).toBe(
      'SageMaker has no pipeline named "no-such-pipeline" in this account and region; check the name (not the ARN or display name).',
    );
  });

  it('fails with InvalidInput before any SageMaker call for a signal rate outside 1 to 50, or a concurrency', async () => {
    // Prepare
    const before = stack.simulator.stats().callsByOperation.ListPipelineExecutions ?? 0;

    // Act
    const tooFast = await stopAll.run({ pipelineName: PIPELINE, signalRatePerSecond: 51 }, RUN);
    const concurrency = await stopAll.run({ pipelineName: PIPELINE, maxConcurrency: 5 }, RUN);

    // Assess
    expect(tooFast.error).toBe('InvalidInput');
    expect(tooFast.cause).toBe('signalRatePerSecond is number 51; expected an integer from 1 to 50.');
    expect(concurrency.error).toBe('InvalidInput');
    expect(concurrency.cause).toMatch(/^maxConcurrency is not a stop-all field: .*expected signalRatePerSecond/);
    expect(stack.simulator.stats().callsByOperation.ListPipelineExecutions ?? 0).toBe(before);
  });
});

/**
 * Entry point "stop all": statemachine/stop-all.asl.json on the embedded
 * engine with the BUILT bundles (`node scripts/build.mjs` first), its
 * startExecution.sync:2 children running the real graceful-stop ASL
 * in-process, against the SageMaker Pipelines simulator with several running
 * executions of one pipeline.
 *
 * Every execution runs the same definition: Prepare (Processing, 30 s) then
 * Score (Lambda, 300 s, times out after 40 s). One execution is started early
 * and stopped while Score runs: its Lambda step times out while draining, so
 * its graceful stop ends PipelineExecutionFailed. The others are stopped during
 * Prepare and end Stopped; one of them was stopped before stop-all ran and is
 * not listed. Simulated time runs K times faster everywhere (simulator,
 * handler clock, Wait states).
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
import { humanStopAllResult, runName, stopAllExitCode } from '#cli/stop-all-view.js';
import { createGracefulStopMachine } from '#local/engine/graceful-stop.js';
import { loadBuiltHandlers } from '#local/engine/load-handlers.js';
import type { LocalStateMachine, RunResult } from '#local/engine/runner.js';
import { createStopAllMachine, loadBuiltStopAllHandlers } from '#local/engine/stop-all.js';
import { startLocalStack, useLocalEndpoints, type LocalStack } from '#local/stack.js';
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

/** Until `ready()` holds, bounded. */
const waitUntil = (what: string, ready: () => Promise<boolean>): Promise<boolean> => waitFor(what, ready, (ok) => ok, { intervalMs: 50 });

describe('stop-all state machine on the embedded engine against the simulator', () => {
  let stack: LocalStack;
  let sagemaker: SageMakerClient;
  let stopAll: LocalStateMachine;
  const children: RunResult[] = [];
  let running = 0;
  let mostAtOnce = 0;

  beforeAll(async () => {
    stack = await startLocalStack({ timeScale: K });
    useLocalEndpoints(stack.endpoints);
    // Read by the bundles at import: their clock runs K times faster, like the simulator's.
    process.env.GRACEFUL_STOP_TIME_SCALE = String(K);
    const gracefulStop = createGracefulStopMachine(await loadBuiltHandlers());
    stopAll = createStopAllMachine(await loadBuiltStopAllHandlers(), gracefulStop, {
      runOptions: RUN,
      onChildStarted: () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
      },
      onChildFinished: (result) => {
        running -= 1;
        children.push(result);
      },
    });
    sagemaker = new SageMakerClient({ endpoint: stack.endpoints.sagemakerEndpoint, region: 'us-east-1' });
    await sagemaker.send(
      new CreatePipelineCommand({ PipelineName: PIPELINE, RoleArn: 'arn:aws:iam::123456789012:role/pipeline', PipelineDefinition: DEFINITION }),
    );
  });

  afterAll(async () => {
    sagemaker?.destroy();
    await stack?.close();
  });

  const start = async (): Promise<string> => {
    const { PipelineExecutionArn } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: PIPELINE }));
    if (!PipelineExecutionArn) throw new Error('StartPipelineExecution returned no ARN.');
    return PipelineExecutionArn;
  };
  const status = async (arn: string): Promise<string | undefined> =>
    (await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }))).PipelineExecutionStatus;

  it('stops every running execution, reports each outcome, and one failed child does not hide the others', async () => {
    // Prepare
    const early = await start();
    await waitUntil('Score to run in the early execution', async () => {
      const { PipelineExecutionSteps = [] } = await sagemaker.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: early, MaxResults: 100 }));
      return PipelineExecutionSteps.some((step) => step.StepName === 'Score' && step.StepStatus === 'Executing');
    });
    const late = [await start(), await start(), await start()];
    const alreadyStopped = await start();
    await sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: alreadyStopped, ClientRequestToken: 'stopped-by-someone-else-before-stop-all' }));
    await waitUntil('the already-stopped execution to be Stopped', async () => (await status(alreadyStopped)) === 'Stopped');

    // Act
    const result = await stopAll.run({ pipelineName: PIPELINE, maxConcurrency: 2, reason: 'stop-all test' }, RUN);

    // Assess
    expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    const summary = result.output as StopAllSummary;
    expect(summary).toMatchObject({
      pipelineName: PIPELINE,
      running: 4,
      attempted: 4,
      omitted: 0,
      scanComplete: true,
      succeeded: 3,
      failed: 1,
      outcomes: { Stopped: 3 },
      errors: { PipelineExecutionFailed: 1 },
    });
    expect(summary.children.map((child) => child.pipelineExecutionArn).sort()).toEqual([early, ...late].sort());
    expect(summary.children.map((child) => child.pipelineExecutionArn)).not.toContain(alreadyStopped);
    const failed = summary.children.find((child) => !child.succeeded);
    expect(failed).toMatchObject({ pipelineExecutionArn: early, error: 'PipelineExecutionFailed', childStatus: 'FAILED' });
    expect(failed?.cause).toMatch(/Lambda step 'Score'/);
    for (const child of summary.children.filter((candidate) => candidate.succeeded)) {
      expect(child).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped' });
      expect(child.childExecutionArn).toMatch(/:execution:graceful-stop:/);
    }
    expect(await status(early)).toBe('Failed');
    for (const arn of late) expect(await status(arn)).toBe('Stopped');
    expect(children).toHaveLength(4);
    expect(children.map((child) => child.executionArn).sort()).toEqual(summary.children.map((child) => child.childExecutionArn).sort());
    expect(mostAtOnce).toBeLessThanOrEqual(2);
    const path = pathOf(result);
    expect(path.slice(0, 3)).toEqual(['Capture Input', 'List Running Executions', 'Dry Run?']);
    expect(path.filter((state) => state === 'Stop Gracefully')).toHaveLength(4);
    expect(path.filter((state) => state === 'Record Stop Failed')).toHaveLength(1);
    expect(path.at(-1)).toBe('Stop All Finished');
  });

  it('finds nothing to stop when every execution of the pipeline has ended, and says so', async () => {
    // Prepare
    const pipelineName = 'ended-runs-only';
    await sagemaker.send(new CreatePipelineCommand({ PipelineName: pipelineName, RoleArn: 'arn:aws:iam::123456789012:role/pipeline', PipelineDefinition: DEFINITION }));
    const { PipelineExecutionArn: ended = '' } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineName }));
    await sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: ended, ClientRequestToken: 'stopped-before-stop-all-ran-000001' }));
    await waitUntil('the execution to be Stopped', async () => (await status(ended)) === 'Stopped');
    const childrenBefore = children.length;

    // Act
    const result = await stopAll.run({ pipelineName }, RUN);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ pipelineName, running: 0, attempted: 0, succeeded: 0, failed: 0, outcomes: {}, errors: {}, children: [] });
    expect(children).toHaveLength(childrenBefore);
  });

  it('runs from the CLI locally (graceful-stop stop-all), printing each child as it ends and the summary, exit 0', async () => {
    // Prepare
    const pipelineName = 'cli-local';
    const training = JSON.stringify({ Version: '2020-12-01', Steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 10_000 } }] });
    await sagemaker.send(new CreatePipelineCommand({ PipelineName: pipelineName, RoleArn: 'arn:aws:iam::123456789012:role/pipeline', PipelineDefinition: training }));
    const arns: string[] = [];
    for (let index = 0; index < 2; index += 1) {
      const { PipelineExecutionArn = '' } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineName }));
      arns.push(PipelineExecutionArn);
    }
    const lines: string[] = [];

    // Act
    const result = await runStopAllLocally({ pipelineName }, { timeScale: K, progress: { isTTY: false, write: (text: string) => lines.push(text) } });

    // Assess
    expect(stopAllExitCode(result)).toBe(0);
    expect(lines[0]).toBe(`2 running execution(s) of ${pipelineName} in 1 pipeline(s); stopping 2, at most 5 at a time\n`);
    // Plain lines (no TTY): each execution queued, then stopping, then its outcome.
    for (const arn of arns) {
      const run = runName(arn);
      const states = lines.filter((line) => line.endsWith(`: ${run}\n`)).map((line) => line.trim().replace(/ \(waited .*\)/, '').replace(/: \S+ \S+$/, ''));
      expect(states).toEqual(['queued', 'stopping…', 'Stopped']);
    }
    expect(humanStopAllResult(result).split('\n').slice(0, 3)).toEqual([
      `stop-all ${pipelineName}: 2 graceful stop(s), 2 succeeded, 0 failed`,
      '  outcomes: Stopped 2',
      '  errors: none',
    ]);
  });

  it('fails with PipelineNotFound and a readable cause for a pipeline SageMaker does not know', async () => {
    // Prepare
    const input = { pipelineName: 'no-such-pipeline' };

    // Act
    const result = await stopAll.run(input, RUN);

    // Assess
    expect(pathOf(result)).toEqual(['Capture Input', 'List Running Executions', 'caught: List Running Executions', 'Read Listing Failure', 'Listing Failed']);
    expect(result.error).toBe('PipelineNotFound');
    expect(result.cause).toBe('SageMaker has no pipeline named "no-such-pipeline" in this account and region; check the name (not the ARN or display name).');
  });

  it('fails with InvalidInput before any SageMaker call for a concurrency outside 1 to 40', async () => {
    // Prepare
    const before = stack.simulator.stats().callsByOperation.ListPipelineExecutions ?? 0;

    // Act
    const result = await stopAll.run({ pipelineName: PIPELINE, maxConcurrency: 41 }, RUN);

    // Assess
    expect(result.error).toBe('InvalidInput');
    expect(result.cause).toBe('maxConcurrency is number 41; expected an integer from 1 to 40.');
    expect(stack.simulator.stats().callsByOperation.ListPipelineExecutions ?? 0).toBe(before);
  });
});

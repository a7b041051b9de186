/**
 * Child process: graceful stops of pipeline executions that drain for given
 * times, under one polling policy and one time scale K (the handlers read both
 * from the environment at import, hence one process per (policy, K)).
 * Started by bench/run.ts; see bench/README.md.
 */
import { CreatePipelineCommand, DescribePipelineExecutionCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { readTimeScale } from '#commons/clock.js';
import type { RunResult } from '#local/engine/runner.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { runChild, readChildSpec } from '#bench/support/child-protocol.js';
import { BENCH_ROLE_ARN, drainPipelineDefinition } from './pipeline.js';
import { counterDelta, startBenchCloud, type BenchCloud } from '#bench/support/bench-cloud.js';
import { billedTransitions, outcomeOf, stopRequestedAtOf } from '#bench/support/run-counts.js';
import { simulatedGbSeconds } from './timed-handlers.js';
import { countS3Requests, perStop } from '#bench/support/s3-requests.js';
import type { DrainChildResult, DrainChildSpec, DrainRunMeasurement } from '#bench/support/types.js';

/** Real milliseconds between the starts of two repeats, so their polls do not all land on the same instant. */
const STAGGER_MS = 100;

async function startDrainingExecution(cloud: BenchCloud, index: number, drainSeconds: number): Promise<string> {
  const pipelineName = `bench-drain-${index}`;
  await cloud.sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: pipelineName,
      RoleArn: BENCH_ROLE_ARN,
      PipelineDefinition: drainPipelineDefinition(drainSeconds),
    }),
  );
  const { PipelineExecutionArn: arn } = await cloud.sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineName }));
  if (!arn) throw new Error('StartPipelineExecution returned no ARN.');
  return arn;
}

async function measure(
  cloud: BenchCloud,
  run: RunResult,
  arn: string,
  drainSeconds: number,
  timeScale: number,
): Promise<DrainRunMeasurement> {
  const execution = await cloud.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
  const terminalAtMs = execution.LastModifiedTime?.getTime() ?? Number.NaN;
  const stopRequestedAt = stopRequestedAtOf(run);
  const invocations = cloud.invocations.filter((call) => call.executionId === run.executionArn);
  return {
    drainSeconds,
    measuredDrainSeconds: stopRequestedAt ? ((terminalAtMs - Date.parse(stopRequestedAt)) / 1000) * timeScale : Number.NaN,
    latencySeconds: ((run.stoppedAt - terminalAtMs) / 1000) * timeScale,
    outcome: outcomeOf(run),
    finalStatus: execution.PipelineExecutionStatus ?? 'unknown',
    stateTransitions: billedTransitions(run),
    lambdaInvocations: run.lambdaInvocations,
    lambdaGbSeconds: simulatedGbSeconds(invocations, timeScale),
    realSeconds: (run.stoppedAt - run.startedAt) / 1000,
  };
}

async function main(): Promise<DrainChildResult> {
  const spec = readChildSpec<DrainChildSpec>();
  const timeScale = readTimeScale();
  if (timeScale !== spec.timeScale) throw new Error(`GRACEFUL_STOP_TIME_SCALE is ${timeScale}, the spec says ${spec.timeScale}.`);
  const s3Requests = countS3Requests();
  const cloud = await startBenchCloud({ timeScale, functionsDir: spec.functionsDir });
  try {
    const arns: string[] = [];
    for (const [index, drainSeconds] of spec.drains.entries()) arns.push(await startDrainingExecution(cloud, index, drainSeconds));
    const before = cloud.emulators.simulator.stats();
    const runs = await Promise.all(
      arns.map(async (arn, index) => {
        await sleep(index * STAGGER_MS);
        return cloud.machine.run({ pipelineExecutionArn: arn }, { timeScale, executionName: `bench-${index}` });
      }),
    );
    const after = cloud.emulators.simulator.stats();
    const measurements: DrainRunMeasurement[] = [];
    for (const [index, run] of runs.entries()) measurements.push(await measure(cloud, run, arns[index]!, spec.drains[index]!, timeScale));
    return {
      policy: spec.policy.name,
      nominalDrainSeconds: spec.nominalDrainSeconds,
      timeScale,
      runs: measurements,
      sageMakerCalls: counterDelta(after.callsByOperation, before.callsByOperation),
      throttledCalls: (after.faultsInjected.throttle ?? 0) - (before.faultsInjected.throttle ?? 0),
      s3RequestsPerStop: perStop(s3Requests, runs.length),
    };
  } finally {
    await cloud.close();
  }
}

runChild(main);

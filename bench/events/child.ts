/**
 * Child process: graceful stops on the local cloud (local/cloud.ts) of runs that drain for given
 * times, half of them with their end events delivered, half with them lost (polling only, as
 * before the events): how long after a run's end its stop notices it. Started by bench/run.ts.
 */
import {
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { randomUUID } from 'node:crypto';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { readTimeScale } from '#commons/clock.js';
import { TERMINAL_STATUSES, type ExecutionStatus } from '#pipeline-runs/pipeline-execution.js';
import { waitFor } from '#local/bounded.js';
import { startLocalCloud } from '#local/cloud.js';
import type { RunResult } from '#local/engine/runner.js';
import { runChild, readChildSpec } from '#bench/support/child-protocol.js';
import { BENCH_ROLE_ARN, DRAIN_STEP_NAME, drainPipelineDefinition } from '#bench/drains/pipeline.js';
import { countS3Requests, perStop } from '#bench/support/s3-requests.js';
import { BENCH_EXECUTION_LIMIT } from '#bench/support/run-counts.js';
import type { EventsChildResult, EventsChildSpec, EventsRunMeasurement } from './types.js';

const TERMINAL = new Set<string>(TERMINAL_STATUSES);

/** When the stop first saw the run ended: the Check Pipeline Execution that returned a terminal status. */
function noticedAt(run: RunResult): number {
  const exited = run.events.find((event) => {
    const status = (event.state?.output as { check?: { status?: string } } | undefined)?.check?.status;
    return event.type === 'StateExited' && event.state?.name === 'Check Pipeline Execution' && status !== undefined && TERMINAL.has(status);
  });
  return exited?.timestamp ?? Number.NaN;
}

async function main(): Promise<EventsChildResult> {
  const spec = readChildSpec<EventsChildSpec>();
  const s3Requests = countS3Requests();
  const timeScale = readTimeScale();
  if (timeScale !== spec.timeScale) throw new Error(`GRACEFUL_STOP_TIME_SCALE is ${timeScale}, the spec says ${spec.timeScale}.`);
  const polledOnly = new Set<string>();
  const cloud = await startLocalCloud({
    timeScale,
    concurrentExecutionLimit: BENCH_EXECUTION_LIMIT,
    functionsDir: spec.functionsDir,
    loses: (event) =>
      polledOnly.has(String(event.detail.pipelineExecutionArn)) && TERMINAL.has(String(event.detail.currentPipelineExecutionStatus)),
  });
  try {
    const sagemaker = new SageMakerClient({ ...BOUNDED_CLIENT_OPTIONS, endpoint: cloud.emulators.endpoints.sagemakerEndpoint });
    const cases = spec.drains.flatMap((drainSeconds, index) =>
      (['events', 'polling'] as const).map((mode) => ({ drainSeconds, mode, name: `bench-events-${index}-${mode}` })),
    );
    const arns: string[] = [];
    for (const { name, drainSeconds, mode } of cases) {
      await sagemaker.send(
        new CreatePipelineCommand({
          PipelineName: name,
          RoleArn: BENCH_ROLE_ARN,
          PipelineDefinition: drainPipelineDefinition(drainSeconds),
          ClientRequestToken: randomUUID(),
        }),
      );
      const { PipelineExecutionArn: arn } = await sagemaker.send(
        new StartPipelineExecutionCommand({ PipelineName: name, ClientRequestToken: randomUUID() }),
      );
      if (!arn) throw new Error('StartPipelineExecution returned no ARN.');
      if (mode === 'polling') polledOnly.add(arn);
      arns.push(arn);
    }
    for (const arn of arns) {
      await waitFor(
        `${DRAIN_STEP_NAME} to run`,
        async () =>
          (await sagemaker.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn }))).PipelineExecutionSteps ?? [],
        (steps) => steps.some((step) => step.StepName === DRAIN_STEP_NAME && step.StepStatus === 'Executing'),
      );
    }
    const runs = await Promise.all(
      arns.map(
        (arn) =>
          cloud.stepFunctions.startExecution({
            stateMachineArn: cloud.gracefulStop.arn,
            input: JSON.stringify({ pipelineExecutionArn: arn }),
          }).done,
      ),
    );
    const measurements: EventsRunMeasurement[] = [];
    for (const [index, run] of runs.entries()) {
      const execution = await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arns[index] }));
      const terminalAt = execution.LastModifiedTime?.getTime() ?? Number.NaN;
      const { drainSeconds, mode } = cases[index]!;
      measurements.push({
        drainSeconds,
        mode,
        latencySeconds: ((noticedAt(run) - terminalAt) / 1000) * timeScale,
        finalStatus: (execution.PipelineExecutionStatus ?? 'Executing') as ExecutionStatus,
        outcome: run.status === 'SUCCEEDED' ? String((run.output as { outcome?: unknown }).outcome) : (run.error ?? run.status),
        stateTransitions: run.stateTransitions,
        lambdaInvocations: run.lambdaInvocations,
      });
    }
    return {
      nominalDrainSeconds: spec.nominalDrainSeconds,
      timeScale,
      runs: measurements,
      s3RequestsPerStop: perStop(s3Requests, runs.length),
    };
  } finally {
    await cloud.close();
  }
}

runChild(main);

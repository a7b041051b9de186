/**
 * Child process: many graceful stops at once on the embedded engine against a
 * simulator that throttles every operation to a few calls per second.
 * Started by bench/run.ts; see bench/README.md.
 */
import { CreatePipelineCommand, DescribePipelineExecutionCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { runChild, readChildSpec } from '#bench/support/child-protocol.js';
import { BENCH_ROLE_ARN, drainPipelineDefinition } from '#bench/drains/pipeline.js';
import { counterDelta, startBenchCloud, type BenchCloud } from '#bench/support/bench-cloud.js';
import { billedTransitions, outcomeOf } from '#bench/support/run-counts.js';
import { maximum, median, sum } from '#bench/support/summary-stats.js';
import type { ConcurrencyChildResult, ConcurrencyChildSpec } from '#bench/support/types.js';
import { OPERATION_NAMES } from '#local/simulator/operations/index.js';

const PIPELINE_NAME = 'bench-concurrency';

const tally = (values: readonly string[]): Record<string, number> =>
  values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

async function startExecutions(cloud: BenchCloud, spec: ConcurrencyChildSpec): Promise<string[]> {
  await cloud.sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: PIPELINE_NAME,
      RoleArn: BENCH_ROLE_ARN,
      PipelineDefinition: drainPipelineDefinition(spec.drainSeconds),
    }),
  );
  const arns: string[] = [];
  for (let index = 0; index < spec.stops; index += 1) {
    const { PipelineExecutionArn: arn } = await cloud.sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: PIPELINE_NAME }));
    if (!arn) throw new Error('StartPipelineExecution returned no ARN.');
    arns.push(arn);
  }
  return arns;
}

async function main(): Promise<ConcurrencyChildResult> {
  const spec = readChildSpec<ConcurrencyChildSpec>();
  const cloud = await startBenchCloud({ timeScale: 1, functionsDir: spec.functionsDir, handlerInstances: spec.handlerInstances });
  try {
    const arns = await startExecutions(cloud, spec);
    for (const operation of OPERATION_NAMES) cloud.emulators.simulator.faults.set(operation, { throttle: { tps: spec.tps } });
    const before = cloud.emulators.simulator.stats();
    const started = Date.now();
    const runs = await Promise.all(
      arns.map((arn, index) => cloud.machine.run({ pipelineExecutionArn: arn }, { executionName: `stop-${index}` })),
    );
    const wallSeconds = (Date.now() - started) / 1000;
    const after = cloud.emulators.simulator.stats();
    cloud.emulators.simulator.faults.clear();

    const executions = await Promise.all(
      arns.map((arn) => cloud.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }))),
    );
    const latencies = runs.map((run, index) => (run.stoppedAt - (executions[index]?.LastModifiedTime?.getTime() ?? Number.NaN)) / 1000);
    const retryEvents = runs.flatMap((run) => run.events.filter((event) => event.type === 'StateRetried'));
    const retries = retryEvents.map((event) => event.state?.name ?? '?');
    return {
      stops: spec.stops,
      tps: spec.tps,
      handlerInstances: spec.handlerInstances,
      drainSeconds: spec.drainSeconds,
      wallSeconds,
      outcomes: tally(runs.map(outcomeOf)),
      finalStatuses: tally(executions.map((execution) => execution.PipelineExecutionStatus ?? 'unknown')),
      throttlingEscapes: runs.filter((run) => run.error === 'ThrottlingException' || (run.cause ?? '').includes('ThrottlingException'))
        .length,
      sageMakerCalls: counterDelta(after.callsByOperation, before.callsByOperation),
      throttledCalls: (after.faultsInjected.throttle ?? 0) - (before.faultsInjected.throttle ?? 0),
      stateTransitions: sum(runs.map(billedTransitions)),
      lambdaInvocations: sum(runs.map((run) => run.lambdaInvocations)),
      taskRetries: tally(retries),
      highestRetryAttempt: maximum([0, ...retryEvents.map((event) => event.retry?.attempt ?? 0)]),
      latencySeconds: { median: median(latencies), max: maximum(latencies) },
    };
  } finally {
    await cloud.close();
  }
}

runChild(main);

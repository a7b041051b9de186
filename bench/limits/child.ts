/**
 * Child process of the limits bench (bench/run.ts). 'latency': a pipeline with a limit of 1 and runs
 * started beyond it, one after another, on the local cloud in real time; each run's Executing event
 * to its stop's signal. 'guard': the runaway guard's stop-all over many tagged pipelines (each its
 * own policy, or none, or a malformed one), everything it costs counted.
 */
import { randomUUID } from 'node:crypto';
import { AddTagsCommand, CreatePipelineCommand, SageMakerClient, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { simulatedGbSeconds, timedHandlers, type Invocation } from '#bench/drains/timed-handlers.js';
import { readChildSpec, runChild } from '#bench/support/child-protocol.js';
import { estimatedDollars } from '#bench/support/prices.js';
import { BENCH_EXECUTION_LIMIT, billedTransitions } from '#bench/support/run-counts.js';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { waitFor } from '#local/bounded.js';
import { startLocalCloud } from '#local/cloud.js';
import type { EventBridgeEvent } from '#local/events/event.js';
import { POLICY_TAGS } from '#pipeline-runs/tag-policy.js';
import type { StopAllSummary } from '#stop-all/model.js';
import type { GuardResult, LatencyResult, LimitsSpec } from './types.js';

const definition = JSON.stringify({
  Version: '2020-12-01',
  Steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 86_400, StopDurationSeconds: 10 } }],
});

async function measureLatency(spec: LimitsSpec): Promise<LatencyResult> {
  const executing = new Map<string, number>();
  const stopping = new Map<string, number>();
  const onEvent = (event: EventBridgeEvent): void => {
    const detail = event.detail as { currentPipelineExecutionStatus?: string; pipelineExecutionArn?: string };
    if (!detail.pipelineExecutionArn) return;
    if (detail.currentPipelineExecutionStatus === 'Executing') executing.set(detail.pipelineExecutionArn, performance.now());
    if (detail.currentPipelineExecutionStatus === 'Stopping') stopping.set(detail.pipelineExecutionArn, performance.now());
  };
  // The stopped runs stay Stopping 10 s each: a quota of 20 would refuse the later starts.
  const cloud = await startLocalCloud({
    timeScale: spec.timeScale,
    functionsDir: spec.functionsDir,
    pipelineLimits: true,
    onEvent,
    concurrentExecutionLimit: BENCH_EXECUTION_LIMIT,
  });
  const sagemaker = new SageMakerClient({
    ...BOUNDED_CLIENT_OPTIONS,
    endpoint: cloud.emulators.endpoints.sagemakerEndpoint,
    region: 'us-east-1',
  });
  try {
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: 'bench-limited',
        RoleArn: 'arn:aws:iam::123456789012:role/bench',
        PipelineDefinition: definition,
        Tags: [{ Key: POLICY_TAGS.maxConcurrentRuns, Value: '1' }],
      }),
    );
    const start = async () =>
      (await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: 'bench-limited', ClientRequestToken: randomUUID() })))
        .PipelineExecutionArn as string;
    await start();
    const extra: string[] = [];
    for (let index = 0; index < spec.extraRuns; index += 1) {
      const arn = await start();
      extra.push(arn);
      await waitFor(`the stop of ${arn}`, () => stopping.has(arn), Boolean, { timeoutMs: 60_000, intervalMs: 5 });
    }
    return {
      mode: 'latency',
      seconds: extra.map((arn) => ((stopping.get(arn) ?? Number.NaN) - (executing.get(arn) ?? Number.NaN)) / 1000),
      stopped: extra.filter((arn) => stopping.has(arn)).length,
    };
  } finally {
    sagemaker.destroy();
    await cloud.close();
  }
}

async function measureGuard(spec: LimitsSpec): Promise<GuardResult> {
  const invocations: Invocation[] = [];
  const cloud = await startLocalCloud({
    timeScale: spec.timeScale,
    functionsDir: spec.functionsDir,
    events: false,
    wrapHandlers: (handlers) => timedHandlers(handlers, (call) => invocations.push(call)),
  });
  const sagemaker = new SageMakerClient({
    ...BOUNDED_CLIENT_OPTIONS,
    endpoint: cloud.emulators.endpoints.sagemakerEndpoint,
    region: 'us-east-1',
  });
  try {
    // A third with their own runtime, a tenth exempt, one in fifty with a malformed limit, the rest untagged.
    for (let index = 0; index < spec.pipelines; index += 1) {
      const name = `bench-guard-${String(index).padStart(4, '0')}`;
      const { PipelineArn } = await sagemaker.send(
        new CreatePipelineCommand({ PipelineName: name, RoleArn: 'arn:aws:iam::123456789012:role/bench', PipelineDefinition: definition }),
      );
      const tags = [
        ...(index % 50 === 2
          ? [{ Key: POLICY_TAGS.maxRuntime, Value: 'six hours' }]
          : index % 3 === 0
            ? [{ Key: POLICY_TAGS.maxRuntime, Value: '6h' }]
            : []),
        ...(index % 10 === 1 ? [{ Key: POLICY_TAGS.exempt, Value: 'true' }] : []),
      ];
      if (tags.length > 0) await sagemaker.send(new AddTagsCommand({ ResourceArn: PipelineArn, Tags: tags }));
    }
    const before = cloud.emulators.simulator.stats().callsByOperation;
    const started = Date.now();
    const run = await cloud.stopAll.run(
      { pipelineNamePattern: 'bench-guard-*', olderThanSeconds: 86_400, pipelineTags: true, reason: 'runaway guard (bench)' },
      { timeScale: spec.timeScale },
    );
    const cycleSeconds = ((Date.now() - started) * spec.timeScale) / 1000;
    const after = cloud.emulators.simulator.stats().callsByOperation;
    const callsByOperation = Object.fromEntries(
      Object.entries(after)
        .map(([operation, count]) => [operation, count - (before[operation] ?? 0)] as const)
        .filter(([, count]) => count > 0),
    );
    const summary = run.output as unknown as StopAllSummary;
    const decisions: Record<string, number> = {};
    for (const decision of summary.policies ?? []) decisions[decision.decision] = (decisions[decision.decision] ?? 0) + 1;
    const lambdaGbSeconds = simulatedGbSeconds(invocations, spec.timeScale);
    const stateTransitions = billedTransitions(run);
    return {
      mode: 'guard',
      pipelines: spec.pipelines,
      cycleSeconds,
      callsByOperation,
      stateTransitions,
      lambdaInvocations: run.lambdaInvocations,
      lambdaGbSeconds,
      dollarsPerCycle: estimatedDollars({ stateTransitions, lambdaInvocations: run.lambdaInvocations, lambdaGbSeconds }),
      decisions,
    };
  } finally {
    sagemaker.destroy();
    await cloud.close();
  }
}

runChild(async () => {
  const spec = readChildSpec<LimitsSpec>();
  return spec.mode === 'latency' ? measureLatency(spec) : measureGuard(spec);
});

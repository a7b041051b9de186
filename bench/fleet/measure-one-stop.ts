/** The one-stop measurement: one graceful stop of one run, which is what one Map iteration of the previous design cost. */
import { CreatePipelineCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';

import { BENCH_ROLE_ARN, drainPipelineDefinition } from '#bench/drains/pipeline.js';
import { simulatedGbSeconds } from '#bench/drains/timed-handlers.js';

import { counterDelta, startBenchCloud } from '#bench/support/bench-cloud.js';
import { estimatedDollars } from '#bench/support/prices.js';
import { billedTransitions, outcomeOf } from '#bench/support/run-counts.js';

import { peakPerSecond } from './peak-calls.js';
import type { DesignFigures, FleetChildResult, FleetChildSpec } from './types.js';

/** One graceful stop of one Training run draining `drainSeconds`: what one Map iteration of the previous design cost. */
export async function measureOneStop(spec: FleetChildSpec): Promise<FleetChildResult> {
  const cloud = await startBenchCloud({ timeScale: spec.timeScale, functionsDir: spec.functionsDir });
  const realStart = Date.now();
  try {
    await cloud.sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: 'fleet-child',
        RoleArn: BENCH_ROLE_ARN,
        PipelineDefinition: drainPipelineDefinition(spec.drainSeconds),
      }),
    );
    const { PipelineExecutionArn: arn = '' } = await cloud.sagemaker.send(
      new StartPipelineExecutionCommand({ PipelineName: 'fleet-child' }),
    );
    const calls: Array<{ operation: string; atMs: number }> = [];
    const before = cloud.emulators.simulator.stats().callsByOperation;
    const unobserve = cloud.emulators.simulator.observeCalls((operation, atMs) => calls.push({ operation, atMs }));
    const startMs = Date.now();
    const run = await cloud.machine.run(
      { pipelineExecutionArn: arn, maxWaitSeconds: spec.drainSeconds + 900 },
      { timeScale: spec.timeScale },
    );
    unobserve();
    const callsByOperation = counterDelta(cloud.emulators.simulator.stats().callsByOperation, before);
    const gbSeconds = simulatedGbSeconds(cloud.invocations, spec.timeScale);
    const transitions = billedTransitions(run);
    const childSeconds = ((run.stoppedAt - run.startedAt) * spec.timeScale) / 1000;
    const figures: DesignFigures = {
      design: 'map-40',
      how: 'measured',
      secondsToLastSignal: 0,
      secondsToAllEnded: childSeconds,
      maxDetectionSeconds: Number.NaN,
      callsByOperation,
      peakCallsPerSecond: peakPerSecond(calls, startMs, spec.timeScale),
      callsPerRunBeyondListing: Object.values(callsByOperation).reduce((total, count) => total + count, 0),
      stateTransitions: transitions,
      lambdaInvocations: run.lambdaInvocations,
      peakConcurrentLambda: 1,
      lambdaGbSeconds: gbSeconds,
      dollarsPerRun: estimatedDollars({
        stateTransitions: transitions,
        lambdaInvocations: run.lambdaInvocations,
        lambdaGbSeconds: gbSeconds,
      }),
      stuckReaped: 0,
      stuck: 0,
      outcomes: { [outcomeOf(run)]: 1 },
    };
    return {
      mode: 'child',
      runs: 1,
      drainSeconds: spec.drainSeconds,
      timeScale: spec.timeScale,
      signalRate: spec.signalRate,
      realSeconds: (Date.now() - realStart) / 1000,
      listingSeconds: 0,
      listingCalls: 0,
      figures,
      childSeconds,
      childPeakCallsPerSecond: figures.peakCallsPerSecond,
    };
  } finally {
    await cloud.close();
  }
}

/**
 * The two designs the fleet is compared with, modelled from measured parts (running them for real
 * at 10,000 runs would take days of simulated time):
 *
 * - map-40: the previous stop-all - runs taken in batches of 100, each run stopped by a graceful-stop
 *   child in an inline Map at most 40 at a time, a child holding its slot until its run has drained,
 *   at most 2,000 runs per stop-all (so several stop-alls one after another), runs already Stopping
 *   never selected. Each child costs what one graceful stop measured on the simulator costs.
 * - sdk-loop: a script that stops one run and polls DescribePipelineExecution every 10 s until it
 *   ends, then the next one. Nothing on AWS is billed for it (SageMaker's API calls are free), but
 *   it keeps a machine busy for the whole time.
 */
import { estimatedDollars } from '#bench/support/prices.js';
import type { DesignFigures, FleetCase } from './types.js';

/** The previous design's constants, as its code had them. */
export const PREVIOUS = {
  mapConcurrency: 40,
  batchSize: 100,
  maxPerStopAll: 2_000,
  transitionsPerItem: 2,
  transitionsPerBatch: 5,
  transitionsPerStopAll: 2,
  invocationsPerBatch: 2,
} as const;
export const LOOP_POLL_SECONDS = 10;

export interface MeasuredParts {
  /** One graceful stop (one Map iteration's child), measured: its lifetime and its costs. */
  child: DesignFigures & { childSeconds: number };
  /** The fleet's listing of the same runs, measured: the previous design listed the same pages once per batch. */
  listingSeconds: number;
  listingCalls: number;
}

const scaled = (counts: Record<string, number>, factor: number): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).map(([operation, count]) => [operation, Math.round(count * factor)]));

export function modelPreviousDesign(fleetCase: FleetCase, parts: MeasuredParts): DesignFigures {
  const stuck = Math.floor(fleetCase.runs / 10);
  const executing = fleetCase.runs - stuck;
  const { child } = parts;
  let time = 0;
  let lastSignal = 0;
  let batches = 0;
  let stopAlls = 0;
  for (let taken = 0; taken < executing; taken += PREVIOUS.maxPerStopAll) {
    stopAlls += 1;
    const inThisRun = Math.min(PREVIOUS.maxPerStopAll, executing - taken);
    for (let batchStart = 0; batchStart < inThisRun; batchStart += PREVIOUS.batchSize) {
      batches += 1;
      time += parts.listingSeconds;
      const size = Math.min(PREVIOUS.batchSize, inThisRun - batchStart);
      for (let wave = 0; wave < Math.ceil(size / PREVIOUS.mapConcurrency); wave += 1) {
        lastSignal = time;
        time += child.childSeconds;
      }
    }
  }
  const callsByOperation = scaled(child.callsByOperation, executing);
  callsByOperation.ListPipelineExecutions = (callsByOperation.ListPipelineExecutions ?? 0) + batches * parts.listingCalls;
  const stateTransitions =
    child.stateTransitions * executing +
    PREVIOUS.transitionsPerItem * executing +
    PREVIOUS.transitionsPerBatch * batches +
    PREVIOUS.transitionsPerStopAll * stopAlls;
  const lambdaInvocations = child.lambdaInvocations * executing + PREVIOUS.invocationsPerBatch * batches;
  const lambdaGbSeconds = child.lambdaGbSeconds * executing;
  const totalCalls = Object.values(callsByOperation).reduce((sum, count) => sum + count, 0);
  return {
    design: 'map-40',
    how: 'modelled',
    secondsToLastSignal: lastSignal,
    secondsToAllEnded: time,
    maxDetectionSeconds: Math.max(0, child.childSeconds - fleetCase.drainSeconds),
    callsByOperation,
    // The children of a wave start together: each operation's busiest second, forty times.
    peakCallsPerSecond: scaled(child.peakCallsPerSecond, PREVIOUS.mapConcurrency),
    callsPerRunBeyondListing: (totalCalls - batches * parts.listingCalls) / fleetCase.runs,
    stateTransitions,
    lambdaInvocations,
    // Every child of a wave holds a Check Pipeline Execution invocation while it watches its run drain.
    peakConcurrentLambda: PREVIOUS.mapConcurrency,
    lambdaGbSeconds,
    dollarsPerRun: estimatedDollars({ stateTransitions, lambdaInvocations, lambdaGbSeconds }) / fleetCase.runs,
    stuckReaped: 0,
    stuck,
    outcomes: { Stopped: executing, NotSelected: stuck },
  };
}

export function modelSdkLoop(fleetCase: FleetCase, parts: Pick<MeasuredParts, 'listingSeconds' | 'listingCalls'>): DesignFigures {
  const stuck = Math.floor(fleetCase.runs / 10);
  const executing = fleetCase.runs - stuck;
  // A poll every LOOP_POLL_SECONDS sees the end half an interval late on average.
  const perRun = fleetCase.drainSeconds + LOOP_POLL_SECONDS / 2;
  const describes = executing * (Math.ceil(fleetCase.drainSeconds / LOOP_POLL_SECONDS) + 1);
  return {
    design: 'sdk-loop',
    how: 'modelled',
    secondsToLastSignal: parts.listingSeconds + (executing - 1) * perRun,
    secondsToAllEnded: parts.listingSeconds + executing * perRun,
    maxDetectionSeconds: LOOP_POLL_SECONDS,
    callsByOperation: {
      ListPipelineExecutions: parts.listingCalls,
      StopPipelineExecution: executing,
      DescribePipelineExecution: describes,
    },
    peakCallsPerSecond: { ListPipelineExecutions: 1, StopPipelineExecution: 1, DescribePipelineExecution: 1 },
    callsPerRunBeyondListing: (executing + describes) / fleetCase.runs,
    stateTransitions: 0,
    lambdaInvocations: 0,
    peakConcurrentLambda: 0,
    lambdaGbSeconds: 0,
    dollarsPerRun: 0,
    stuckReaped: 0,
    stuck,
    outcomes: { Stopped: executing, NotSelected: stuck },
  };
}

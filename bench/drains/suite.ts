import { join } from 'node:path';
import { drainsOfRepeats, latencyTargetSeconds, NOMINAL_DRAIN_SECONDS, timeScaleFor } from './durations.js';
import { policyEnvironment, type PollingPolicy } from '#bench/support/policies.js';
import { estimatedDollars } from '#bench/support/prices.js';
import { runPooled, spawnChild } from '#bench/support/spawn-child.js';
import { maximum, median, minimum, round, sum } from '#bench/support/summary-stats.js';
import type { DrainChildResult, DrainChildSpec } from '#bench/support/types.js';

/** A child runs ~10 real seconds; anything past this is a hang. */
const CHILD_TIMEOUT_MS = 120_000;

/** One row of the detection + cost table: one policy at one drain, over its repeats. */
export interface DrainRow {
  policy: string;
  nominalDrainSeconds: number;
  timeScale: number;
  repeats: number;
  error?: string;
  /** Configured drains of the repeats. */
  drainSeconds: { min: number; max: number };
  /** Stop request to terminal: the drain plus the StopPipelineExecution call's own delay. */
  measuredDrainSeconds: { min: number; max: number };
  latencySeconds: { median: number; max: number };
  /** Every repeat within 2 s + 5 % of its own (configured) drain. */
  latencyTargetMet: boolean;
  outcomes: string[];
  perStop: {
    stateTransitions: number;
    lambdaInvocations: number;
    sageMakerCalls: number;
    lambdaGbSeconds: number;
    s3Requests: Record<string, number>;
    dollars: number;
  };
  sageMakerCallsByOperation: Record<string, number>;
  realSecondsPerRun: number;
}

function rowOf(policy: PollingPolicy, result: DrainChildResult): DrainRow {
  const runs = result.runs;
  const perRun = (pick: (run: DrainChildResult['runs'][number]) => number): number => median(runs.map(pick));
  const perStop = {
    stateTransitions: perRun((run) => run.stateTransitions),
    lambdaInvocations: perRun((run) => run.lambdaInvocations),
    sageMakerCalls: round(sum(Object.values(result.sageMakerCalls)) / runs.length),
    lambdaGbSeconds: round(
      perRun((run) => run.lambdaGbSeconds),
      2,
    ),
    s3Requests: result.s3RequestsPerStop,
  };
  return {
    policy: policy.name,
    nominalDrainSeconds: result.nominalDrainSeconds,
    timeScale: result.timeScale,
    repeats: runs.length,
    drainSeconds: { min: round(minimum(runs.map((run) => run.drainSeconds))), max: round(maximum(runs.map((run) => run.drainSeconds))) },
    measuredDrainSeconds: {
      min: round(minimum(runs.map((run) => run.measuredDrainSeconds))),
      max: round(maximum(runs.map((run) => run.measuredDrainSeconds))),
    },
    latencySeconds: {
      median: round(median(runs.map((run) => run.latencySeconds))),
      max: round(maximum(runs.map((run) => run.latencySeconds))),
    },
    latencyTargetMet: runs.every((run) => run.latencySeconds <= latencyTargetSeconds(run.drainSeconds)),
    outcomes: [...new Set(runs.map((run) => run.outcome))],
    perStop: { ...perStop, dollars: estimatedDollars(perStop) },
    sageMakerCallsByOperation: result.sageMakerCalls,
    realSecondsPerRun: round(median(runs.map((run) => run.realSeconds))),
  };
}

function failedRow(policy: PollingPolicy, nominal: number, timeScale: number, error: string): DrainRow {
  const nan = Number.NaN;
  return {
    policy: policy.name,
    nominalDrainSeconds: nominal,
    timeScale,
    repeats: 0,
    error,
    drainSeconds: { min: nan, max: nan },
    measuredDrainSeconds: { min: nan, max: nan },
    latencySeconds: { median: nan, max: nan },
    latencyTargetMet: false,
    outcomes: [],
    perStop: { stateTransitions: nan, lambdaInvocations: nan, sageMakerCalls: nan, lambdaGbSeconds: nan, s3Requests: {}, dollars: nan },
    sageMakerCallsByOperation: {},
    realSecondsPerRun: nan,
  };
}

/**
 * Every (policy, drain) in its own child process (the handlers read the
 * policy and K at import), `parallel` children at a time. Longest drains go
 * first so the pool ends evenly.
 */
export async function measureDrains(
  policies: readonly PollingPolicy[],
  benchDir: string,
  functionsDir: string,
  parallel: number,
): Promise<DrainRow[]> {
  const cells = [...NOMINAL_DRAIN_SECONDS]
    .sort((a, b) => b - a)
    .flatMap((nominal) => policies.map((policy) => ({ policy, nominal, timeScale: timeScaleFor(nominal) })));
  const jobs = cells.map(({ policy, nominal, timeScale }) => async (): Promise<DrainRow> => {
    const spec: DrainChildSpec = { policy, nominalDrainSeconds: nominal, drains: drainsOfRepeats(nominal), timeScale, functionsDir };
    const env = {
      ...policyEnvironment(policy),
      GRACEFUL_STOP_TIME_SCALE: String(timeScale),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const run = await spawnChild<DrainChildResult>(join(benchDir, 'drain-child.mjs'), spec, env, CHILD_TIMEOUT_MS);
    return run.result ? rowOf(policy, run.result) : failedRow(policy, nominal, timeScale, run.error ?? 'no result');
  });
  const rows = await runPooled(jobs, parallel);
  const order = (row: DrainRow): number =>
    NOMINAL_DRAIN_SECONDS.indexOf(row.nominalDrainSeconds as never) * 100 + policies.findIndex((p) => p.name === row.policy);
  return rows.sort((a, b) => order(a) - order(b));
}

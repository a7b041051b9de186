/**
 * Detection latency with run events: for 5 s, 2 min and 10 min drains, graceful stops whose runs'
 * end events arrive against the same stops with the events lost (polling alone, as before).
 * One child per drain, all its stops side by side on one local cloud.
 */
import { join } from 'node:path';
import { runPooled, spawnChild } from '#bench/support/spawn-child.js';
import { maximum, median, round } from '#bench/support/summary-stats.js';
import type { EventsChildResult, EventsChildSpec, EventsRow, EventsRunMeasurement } from './types.js';

export const EVENT_DRAIN_SECONDS = [5, 120, 600] as const;
/** Stops per drain and mode; from 2 min on they spread over 15 s, so the polls' phases are sampled. */
export const EVENT_REPEATS = 3;
const PHASE_SPREAD_SECONDS = 15;
/**
 * One time scale for every drain: a real millisecond of scheduling is K simulated ones, so K stays
 * small (10: the 10-minute drain runs about a minute of real time).
 */
export const EVENTS_TIME_SCALE = 10;
const CHILD_TIMEOUT_MS = 240_000;

const drainsOf = (nominal: number): number[] =>
  Array.from({ length: EVENT_REPEATS }, (_, index) => nominal + (nominal >= 60 ? (index * PHASE_SPREAD_SECONDS) / EVENT_REPEATS : 0));

function summary(runs: EventsRunMeasurement[]): EventsRow['events'] {
  return {
    median: round(median(runs.map((run) => run.latencySeconds)), 1),
    max: round(maximum(runs.map((run) => run.latencySeconds)), 1),
    stateTransitions: median(runs.map((run) => run.stateTransitions)),
    lambdaInvocations: median(runs.map((run) => run.lambdaInvocations)),
  };
}

function rowOf(result: EventsChildResult): EventsRow {
  const of = (mode: EventsRunMeasurement['mode']) => result.runs.filter((run) => run.mode === mode);
  return {
    nominalDrainSeconds: result.nominalDrainSeconds,
    timeScale: result.timeScale,
    repeats: of('events').length,
    events: summary(of('events')),
    polling: summary(of('polling')),
    outcomes: [...new Set(result.runs.map((run) => run.outcome))],
    s3RequestsPerStop: result.s3RequestsPerStop,
  };
}

export async function measureEvents(benchDir: string, functionsDir: string, parallel: number): Promise<EventsRow[]> {
  const jobs = [...EVENT_DRAIN_SECONDS]
    .sort((a, b) => b - a)
    .map((nominal) => async (): Promise<EventsRow> => {
      const spec: EventsChildSpec = { nominalDrainSeconds: nominal, drains: drainsOf(nominal), timeScale: EVENTS_TIME_SCALE, functionsDir };
      const env = {
        GRACEFUL_STOP_TIME_SCALE: String(EVENTS_TIME_SCALE),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      };
      const run = await spawnChild<EventsChildResult>(join(benchDir, 'events-child.mjs'), spec, env, CHILD_TIMEOUT_MS);
      if (run.result) return rowOf(run.result);
      const nan = { median: Number.NaN, max: Number.NaN, stateTransitions: Number.NaN, lambdaInvocations: Number.NaN };
      return {
        nominalDrainSeconds: nominal,
        timeScale: EVENTS_TIME_SCALE,
        repeats: 0,
        error: run.error ?? 'no result',
        events: nan,
        polling: nan,
        outcomes: [],
        s3RequestsPerStop: {},
      };
    });
  const rows = await runPooled(jobs, parallel);
  return rows.sort((a, b) => a.nominalDrainSeconds - b.nominalDrainSeconds);
}

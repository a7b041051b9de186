/**
 * The drains measured and how each run is compressed in time.
 *
 * A drain of D seconds is a Training step whose StopDurationSeconds is D: the
 * simulator moves the execution to Stopped exactly D simulated seconds after
 * StopPipelineExecution. (A Lambda step cannot model it: its timeout, at most
 * 600 s, counts from the step's start, so a stop issued after the step started
 * can never leave a full 10 minutes, and the step's end would race the stop.)
 */
export const NOMINAL_DRAIN_SECONDS = [0, 5, 30, 120, 600] as const;

/** Graceful stops per (policy, drain), run side by side in one child process. */
export const REPEATS = 5;

/**
 * Fixed-interval polling detects a drain that is an exact multiple of its
 * interval at once, or one whole interval late, by a hair's breadth of timing.
 * From 30 s on, the repeats therefore spread the drain over one 30 s period
 * (D, D+6, ..., D+24) so every policy is sampled at every phase of its grid.
 */
export const PHASE_SPREAD_SECONDS = 30;
export const PHASE_SPREAD_FROM_SECONDS = 30;

/** Real seconds one run should last: sets the time scale K per drain. */
export const TARGET_RUN_REAL_SECONDS = 10;
/**
 * Every real millisecond of engine or event-loop delay is K simulated ones: on
 * a loaded 2-core machine K = 66 (what 10 s would need for the 10-minute
 * drain) turned 0.3 s of real delay into 20 s of simulated latency. Capped,
 * the 10-minute runs last ~17 s instead.
 */
export const MAX_TIME_SCALE = 40;
/** The longest fixed interval compared: a run may last this long past the drain. */
const LONGEST_INTERVAL_SECONDS = 30;

export function drainsOfRepeats(nominalSeconds: number, repeats = REPEATS): number[] {
  const spread = nominalSeconds >= PHASE_SPREAD_FROM_SECONDS ? PHASE_SPREAD_SECONDS : 0;
  return Array.from({ length: repeats }, (_, index) => nominalSeconds + (index * spread) / repeats);
}

/** K: simulated seconds per real second, the same for every policy at one drain. */
export function timeScaleFor(nominalSeconds: number): number {
  const spread = nominalSeconds >= PHASE_SPREAD_FROM_SECONDS ? PHASE_SPREAD_SECONDS : 0;
  const simulatedSeconds = nominalSeconds + spread + LONGEST_INTERVAL_SECONDS;
  return Math.min(MAX_TIME_SCALE, Math.max(1, Math.round(simulatedSeconds / TARGET_RUN_REAL_SECONDS)));
}

/** The latency target: 2 s + 5 % of the drain. */
export function latencyTargetSeconds(drainSeconds: number): number {
  return 2 + 0.05 * drainSeconds;
}

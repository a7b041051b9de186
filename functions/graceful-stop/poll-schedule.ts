/**
 * The adaptive poll schedule. The interval grows with the time already spent
 * draining (4 % of it), so the detection delay stays a small fraction of the
 * drain, from 1 s up to a cap, and never runs past the deadline.
 */
export const GROWTH = 0.04;
export const MIN_INTERVAL_SECONDS = 1;

/** `minSeconds` = `capSeconds` turns the schedule into fixed-interval polling (used to compare policies). */
export function pollIntervalSeconds(elapsedSeconds: number, capSeconds: number, minSeconds = MIN_INTERVAL_SECONDS): number {
  const grown = Math.round(Math.max(0, elapsedSeconds) * GROWTH);
  return Math.min(capSeconds, Math.max(minSeconds, grown));
}

/** The Wait For Drain seconds: the interval, clipped so the deadline is checked on time. */
export function nextWaitSeconds(
  elapsedSeconds: number,
  remainingSeconds: number,
  capSeconds: number,
  minSeconds = MIN_INTERVAL_SECONDS,
): number {
  const interval = pollIntervalSeconds(elapsedSeconds, capSeconds, minSeconds);
  return Math.max(MIN_INTERVAL_SECONDS, Math.min(interval, Math.ceil(remainingSeconds)));
}

/**
 * Time, in one place. `GRACEFUL_STOP_TIME_SCALE` (default 1) lets the local
 * simulator and benchmarks compress long drains: durations are measured and
 * slept K times faster while timestamps stay real wall-clock times. On AWS it
 * is never set.
 */
import { ConfigurationError } from './errors.js';

export interface Clock {
  /** Current wall-clock time in epoch milliseconds. */
  now(): number;
  /** Simulated seconds elapsed since an ISO timestamp. */
  secondsSince(iso: string): number;
  /** Waits the given simulated seconds. */
  sleep(seconds: number): Promise<void>;
}

export function readTimeScale(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GRACEFUL_STOP_TIME_SCALE;
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale < 1 || scale > 10_000) {
    throw new ConfigurationError(`GRACEFUL_STOP_TIME_SCALE is "${raw}"; expected a number from 1 to 10000.`);
  }
  return scale;
}

export function createClock(timeScale = 1): Clock {
  return {
    now: () => Date.now(),
    secondsSince: (iso) => ((Date.now() - Date.parse(iso)) / 1000) * timeScale,
    sleep: (seconds) => new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / timeScale)),
  };
}

export const systemClock: Clock = createClock(readTimeScale());

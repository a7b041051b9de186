/**
 * Bounded waiting, one way for the demo, the local cloud and the tests: every wait has a deadline and
 * says what it waited for; a deadline that passes is an error naming it (or, with withDeadline, a
 * result to assert on), never a hang. Defaults are generous: a slow machine passes, a hang fails.
 */
import { NamedError } from '#commons/errors.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class WaitTimedOut extends NamedError {
  constructor(message: string) {
    super('WaitTimedOut', message);
  }
}

export interface WaitOptions {
  /** Real ms before giving up (default 30 s). */
  timeoutMs?: number;
  /** Real ms between two reads (default 25 ms). */
  intervalMs?: number;
}

/** Reads `read()` every `intervalMs` until `done(value)` holds; throws WaitTimedOut with the last value once `timeoutMs` has passed. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 25 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() >= deadline) {
      throw new WaitTimedOut(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 600)}`);
    }
    await sleep(intervalMs);
    last = await read();
  }
  return last;
}

/** Rejects with WaitTimedOut when `promise` has not settled within `timeoutMs`. */
export async function within<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimedOut(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export type Bounded<T> =
  { settled: 'resolved'; value: T; ms: number } | { settled: 'rejected'; error: unknown; ms: number } | { settled: 'timedOut'; ms: number };

/** Races `work` against `deadlineMs` (real time). Never rejects: the caller asserts on what happened. The timer is always cleared. */
export async function withDeadline<T>(work: Promise<T>, deadlineMs: number): Promise<Bounded<T>> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Bounded<T>>((resolve) => {
    timer = setTimeout(() => resolve({ settled: 'timedOut', ms: Date.now() - started }), deadlineMs);
  });
  const settled = work.then(
    (value): Bounded<T> => ({ settled: 'resolved', value, ms: Date.now() - started }),
    (error: unknown): Bounded<T> => ({ settled: 'rejected', error, ms: Date.now() - started }),
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Counts of the active timers (Node's `Timeout` resources) of this process. */
export function activeTimerCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

/**
 * Bounded waiting for tests: every wait has a deadline, and a deadline that
 * passes is a result to assert on, never a hang.
 */

export type Bounded<T> = { settled: 'resolved'; value: T; ms: number } | { settled: 'rejected'; error: unknown; ms: number } | { settled: 'timedOut'; ms: number };

/**
 * Races `work` against `deadlineMs` (real time). Never rejects: the caller
 * asserts on what happened. The deadline timer is always cleared.
 */
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

export class WaitTimedOut extends Error {
  constructor(what: string, timeoutMs: number, last: unknown) {
    super(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
    this.name = 'WaitTimedOut';
  }
}

/** Reads until `done(value)` holds, every `intervalMs`, at most `timeoutMs`; throws WaitTimedOut otherwise. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  { timeoutMs = 5_000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new WaitTimedOut(what, timeoutMs, last);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await read();
  }
  return last;
}

/** Counts of the active timers (Node's `Timeout` resources) of this process. */
export function activeTimerCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

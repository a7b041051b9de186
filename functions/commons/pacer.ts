import type { Clock } from './clock.js';

/** Paces calls of one kind: `take()` resolves when the next call may go, at most `ratePerSecond` a second. */
export interface Pacer {
  take(): Promise<void>;
  /** Calls let through so far. */
  readonly taken: number;
  /** Seconds after the origin before which the next call may not go: what a later pacer of the same calls starts from. */
  readonly nextAt: number;
}

/**
 * At most `ratePerSecond` calls a second, on the clock (so a local time scale paces in simulated
 * seconds). Takers queue: each waits for the one before it, and the next slot is counted from the
 * moment a call was actually let through, so a late wake-up never lets two calls go closer together.
 * `origin` and `nextAt` let a pacer carry on where an earlier one (an earlier invocation) stopped;
 * an idle pacer does not save up a burst.
 */
export function createPacer(ratePerSecond: number, clock: Clock, from: { origin?: string; nextAt?: number } = {}): Pacer {
  if (!(ratePerSecond > 0)) throw new RangeError(`A pace of ${ratePerSecond} calls a second; expected a positive rate.`);
  const origin = from.origin ?? new Date(clock.now()).toISOString();
  const spacing = 1 / ratePerSecond;
  let nextAt = from.nextAt ?? Number.NEGATIVE_INFINITY;
  let taken = 0;
  let queue: Promise<void> = Promise.resolve();
  const turn = async (): Promise<void> => {
    // A timer may fire a little early (millisecond rounding): look again until the slot has come.
    for (let wait = nextAt - clock.secondsSince(origin); wait > 1e-6; wait = nextAt - clock.secondsSince(origin)) await clock.sleep(wait);
    nextAt = clock.secondsSince(origin) + spacing;
    taken += 1;
  };
  return {
    take() {
      queue = queue.then(turn);
      return queue;
    },
    get taken() {
      return taken;
    },
    get nextAt() {
      return nextAt;
    },
  };
}

import type { Clock } from './clock.js';

/** Paces calls of one kind: `take()` resolves when the next call may go, at most `ratePerSecond` a second. */
export interface Pacer {
  take(): Promise<void>;
  /** Calls let through so far. */
  readonly taken: number;
}

/**
 * At most `ratePerSecond` calls a second, on the clock (so a local time scale paces in simulated
 * seconds). A slot is reserved before the wait, so loops sharing one pacer never go faster
 * together; an idle pacer does not save up a burst.
 */
export function createPacer(ratePerSecond: number, clock: Clock): Pacer {
  if (!(ratePerSecond > 0)) throw new RangeError(`A pace of ${ratePerSecond} calls a second; expected a positive rate.`);
  const origin = new Date(clock.now()).toISOString();
  const spacing = 1 / ratePerSecond;
  let next = 0;
  let taken = 0;
  return {
    async take() {
      const now = clock.secondsSince(origin);
      const at = Math.max(now, next);
      next = at + spacing;
      taken += 1;
      if (at > now) await clock.sleep(at - now);
    },
    get taken() {
      return taken;
    },
  };
}

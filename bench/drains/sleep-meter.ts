import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Tells the sleeping part of a handler invocation from its work. The
 * handlers' clock sleeps with setTimeout, K times shorter than simulated
 * time; their work (HTTP calls, JSON) runs at real speed. Once installed,
 * every timer that fires inside `metered(...)` adds its delay to that
 * invocation's account (timers that are cleared, like request timeouts, do not).
 */
export interface SleepAccount {
  sleptMilliseconds: number;
}

const accounts = new AsyncLocalStorage<SleepAccount>();
let installed = false;

export function installSleepMeter(): void {
  if (installed) return;
  installed = true;
  const original = globalThis.setTimeout;
  const metering = (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]): NodeJS.Timeout => {
    const account = accounts.getStore();
    if (!account || typeof callback !== 'function') return original(callback, delay, ...args);
    const milliseconds = Math.max(0, Number(delay) || 0);
    return original(
      (...callbackArgs: unknown[]) => {
        account.sleptMilliseconds += milliseconds;
        callback(...callbackArgs);
      },
      delay,
      ...args,
    );
  };
  globalThis.setTimeout = Object.assign(metering, original) as typeof globalThis.setTimeout;
}

/** Runs `work` with a fresh sleep account. */
export async function metered<T>(work: () => Promise<T>): Promise<{ value: T; account: SleepAccount }> {
  const account: SleepAccount = { sleptMilliseconds: 0 };
  const value = await accounts.run(account, work);
  return { value, account };
}

/**
 * Every SageMaker call stop-all makes goes through here: paced per operation at 4 % under
 * signalRatePerSecond, and counted in the ledger (in total, and its busiest fleet second). The
 * pacers start where the last invocation's stopped - the ledger keeps each operation's next slot -
 * so back-to-back invocations (the listing, then cycle after cycle) never let two calls of one
 * operation go closer than 1/R.
 */
import type { Clock } from '#commons/clock.js';
import { createPacer, type Pacer } from '#commons/pacer.js';
import { fleetOrigin } from './fleet-progress.js';
import { PACE_FRACTION } from './limits.js';
import type { FleetLedger } from './model.js';

/** What pacing reads from the ledger and keeps in it. */
export type PacedLedger = Pick<FleetLedger, 'request' | 'listedAt' | 'calls' | 'pace' | 'peaks' | 'counting'>;

/** Awaited before each call of `operation`; `keep()` writes each operation's next slot back into the ledger. */
export type PacedCall = ((operation: string) => Promise<void>) & { keep(): void };

/** Counts a call let through at `fleetSecond` (seconds since the listing): in total, and in its second for the peak. */
function countCall(ledger: PacedLedger, operation: string, fleetSecond: number): void {
  ledger.calls[operation] = (ledger.calls[operation] ?? 0) + 1;
  const second = Math.floor(fleetSecond);
  const counting = (ledger.counting ??= {});
  const peaks = (ledger.peaks ??= {});
  const [counted, calls] = counting[operation] ?? [second, 0];
  const inSecond = counted === second ? calls + 1 : 1;
  counting[operation] = [second, inSecond];
  peaks[operation] = Math.max(peaks[operation] ?? 0, inSecond);
}

export function pacedCalls(ledger: PacedLedger, clock: Clock): PacedCall {
  const pacers = new Map<string, Pacer>();
  const origin = fleetOrigin(ledger);
  const call = async (operation: string): Promise<void> => {
    let pacer = pacers.get(operation);
    if (!pacer) {
      const nextAt = ledger.pace?.[operation];
      pacer = createPacer(ledger.request.signalRatePerSecond * PACE_FRACTION, clock, {
        origin,
        ...(nextAt === undefined ? {} : { nextAt }),
      });
      pacers.set(operation, pacer);
    }
    await pacer.take();
    countCall(ledger, operation, clock.secondsSince(origin));
  };
  const keep = (): void => {
    const pace = (ledger.pace ??= {});
    for (const [operation, pacer] of pacers) if (Number.isFinite(pacer.nextAt)) pace[operation] = pacer.nextAt;
  };
  return Object.assign(call, { keep });
}

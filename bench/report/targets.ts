import type { FunctionColdStart } from '#bench/cold-start/measure.js';
import type { ConcurrencyReport } from '#bench/concurrency/suite.js';
import type { DrainRow } from '#bench/drains/suite.js';
import type { FleetRow } from '#bench/fleet/types.js';
import type { EventsRow } from '#bench/events/types.js';

export const TARGETS = {
  maxBundleKilobytes: 300,
  maxColdImportMs: 25,
  transitionsFractionOfFixed10s: 1 / 3,
  costDrainSeconds: 600,
  fleetSignalSlack: 0.05,
  fleetNoticeSeconds: 30,
  fleetPeakConcurrentLambda: 3,
  fleetCallsPerRun: 5,
  fleetDollarsPerRun: 0.0001,
  /** A run's end event: its stop notices within this many seconds (plus the time scale's magnified scheduling). */
  eventNoticeSeconds: 2,
} as const;

/** Run events: every stop whose run's end event came noticed the end within 2 s; the others by their polls. */
export function checkEventTargets(rows: readonly EventsRow[]): TargetCheck[] {
  return rows.map((row) => ({
    target: `Run events, ${row.nominalDrainSeconds} s drain: noticed ≤ ${TARGETS.eventNoticeSeconds} s after the end event`,
    met: row.error === undefined && row.events.max <= TARGETS.eventNoticeSeconds,
    detail:
      row.error ?? `events ${row.events.median} / ${row.events.max} s; polling ${row.polling.median} / ${row.polling.max} s (median / max)`,
  }));
}

/** The fleet's targets, each case: the fleet as measured. */
export function checkFleetTargets(rows: readonly FleetRow[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const row of rows) {
    const label = `${row.runs} runs × ${row.drainSeconds / 60} min`;
    const fleet = row.designs.find((design) => design.design === 'fleet');
    if (!fleet) {
      checks.push({ target: `Fleet ${label}`, met: false, detail: row.error ?? 'not measured' });
      continue;
    }
    const signalBound = (1 + TARGETS.fleetSignalSlack) * (row.runs / row.signalRate);
    const peak = Math.max(...Object.values(fleet.peakCallsPerSecond));
    checks.push(
      {
        target: `Fleet ${label}: last signal ≤ listing + N/R + 5 %`,
        met: fleet.secondsToLastSignal <= row.listingSeconds + signalBound,
        detail: `${fleet.secondsToLastSignal.toFixed(1)} s (bound ${(row.listingSeconds + signalBound).toFixed(1)} s: listing ${row.listingSeconds.toFixed(1)} s + ${signalBound.toFixed(0)} s)`,
      },
      {
        target: `Fleet ${label}: every end noticed within ${TARGETS.fleetNoticeSeconds} s`,
        met: fleet.maxDetectionSeconds <= TARGETS.fleetNoticeSeconds,
        detail: `slowest ${fleet.maxDetectionSeconds.toFixed(1)} s`,
      },
      {
        target: `Fleet ${label}: peak SageMaker calls ≤ R (${row.signalRate}) per second per operation`,
        met: peak <= row.signalRate,
        detail: Object.entries(fleet.peakCallsPerSecond)
          .map(([operation, count]) => `${operation} ${count}`)
          .join(', '),
      },
      {
        target: `Fleet ${label}: peak concurrent Lambda ≤ ${TARGETS.fleetPeakConcurrentLambda}`,
        met: fleet.peakConcurrentLambda <= TARGETS.fleetPeakConcurrentLambda,
        detail: String(fleet.peakConcurrentLambda),
      },
      {
        target: `Fleet ${label}: ≤ ${TARGETS.fleetCallsPerRun} SageMaker calls per run beyond the listing`,
        met: fleet.callsPerRunBeyondListing <= TARGETS.fleetCallsPerRun,
        detail: fleet.callsPerRunBeyondListing.toFixed(2),
      },
      {
        target: `Fleet ${label}: ≤ $${TARGETS.fleetDollarsPerRun} per run`,
        met: fleet.dollarsPerRun <= TARGETS.fleetDollarsPerRun,
        detail: `$${fleet.dollarsPerRun.toFixed(7)}`,
      },
      {
        target: `Fleet ${label}: runs stuck in Stopping reaped`,
        met: fleet.stuckReaped === fleet.stuck,
        detail: `${fleet.stuckReaped} of ${fleet.stuck}`,
      },
    );
  }
  return checks;
}

export interface TargetCheck {
  target: string;
  met: boolean;
  detail: string;
}

export function checkTargets(
  drains: DrainRow[],
  coldStarts: FunctionColdStart[],
  concurrency: ConcurrencyReport | undefined,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const adaptive = drains.filter((row) => row.policy === 'adaptive');
  if (adaptive.length > 0) {
    const missed = adaptive
      .filter((row) => !row.latencyTargetMet)
      .map((row) => `${row.nominalDrainSeconds} s (max ${row.latencySeconds.max} s)`);
    checks.push({
      target: 'Detection latency ≤ 2 s + 5 % of the drain (adaptive, every repeat)',
      met: missed.length === 0,
      detail: missed.length === 0 ? `all ${adaptive.length} drains` : `missed at ${missed.join(', ')}`,
    });
  }
  // Cost: never more per stop than fixed 30 s polling (what the field uses), at every drain measured.
  const fixed30 = new Map(drains.filter((row) => row.policy === 'fixed-30s').map((row) => [row.nominalDrainSeconds, row]));
  const compared = adaptive.filter((row) => fixed30.has(row.nominalDrainSeconds));
  if (compared.length > 0) {
    const dearer = compared.filter((row) => row.perStop.dollars > (fixed30.get(row.nominalDrainSeconds)?.perStop.dollars ?? Number.NaN));
    const show = (row: DrainRow): string =>
      `${row.nominalDrainSeconds} s: $${row.perStop.dollars.toFixed(5)} vs $${(fixed30.get(row.nominalDrainSeconds)?.perStop.dollars ?? Number.NaN).toFixed(5)}`;
    checks.push({
      target: 'Cost per stop ≤ fixed 30 s polling at every drain',
      met: dearer.length === 0,
      detail: dearer.length === 0 ? compared.map(show).join('; ') : `dearer at ${dearer.map(show).join('; ')}`,
    });
  }
  const longAdaptive = drains.find((row) => row.policy === 'adaptive' && row.nominalDrainSeconds === TARGETS.costDrainSeconds);
  const longFixed = drains.find((row) => row.policy === 'fixed-10s' && row.nominalDrainSeconds === TARGETS.costDrainSeconds);
  if (longAdaptive && longFixed) {
    const ratio = longAdaptive.perStop.stateTransitions / longFixed.perStop.stateTransitions;
    checks.push({
      target: '10-minute drain: ≤ 1/3 of the state transitions of fixed 10 s polling',
      met: ratio <= TARGETS.transitionsFractionOfFixed10s,
      detail: `${longAdaptive.perStop.stateTransitions} vs ${longFixed.perStop.stateTransitions} (${(ratio * 100).toFixed(0)} %)`,
    });
  }
  const measured = coldStarts.flatMap((fn) => (fn.variants.template ? [{ fn, template: fn.variants.template }] : []));
  if (measured.length > 0) {
    const largest = measured.reduce((a, b) => (b.template.kilobytes > a.template.kilobytes ? b : a));
    checks.push({
      target: `Every function bundle ≤ ${TARGETS.maxBundleKilobytes} KB`,
      met: measured.every(({ template }) => template.kilobytes <= TARGETS.maxBundleKilobytes),
      detail: `largest: ${largest.fn.logicalId} ${largest.template.kilobytes} KB`,
    });
    const slow = measured.filter(({ template }) => !(template.importMs.medianMs <= TARGETS.maxColdImportMs));
    const fast = measured.filter((entry) => !slow.includes(entry));
    const list = (entries: typeof measured): string =>
      entries
        .map(
          ({ fn, template }) =>
            `${fn.logicalId.replace(/Function$/, '')} ${template.importMs.medianMs} ms (built-ins alone ${fn.builtinsOnlyMs.medianMs} ms)`,
        )
        .join(', ');
    checks.push({
      target: `Every function cold import ≤ ${TARGETS.maxColdImportMs} ms (median, no source maps)`,
      met: slow.length === 0,
      detail: [fast.length > 0 ? `holds: ${list(fast)}` : '', slow.length > 0 ? `missed: ${list(slow)}` : ''].filter(Boolean).join('; '),
    });
  }
  if (concurrency) {
    const detail = concurrency.ok
      ? `${JSON.stringify(concurrency.outcomes)}, ${concurrency.throttlingEscapes} ThrottlingException escapes, ${concurrency.throttledCalls} throttled calls`
      : concurrency.error;
    checks.push({
      target: `Concurrency: ${concurrency.ok ? concurrency.stops : '?'} stops at once, all Stopped, no ThrottlingException escapes`,
      met: concurrency.ok && concurrency.throttlingEscapes === 0 && concurrency.outcomes.Stopped === concurrency.stops,
      detail,
    });
  }
  return checks;
}

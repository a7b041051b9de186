import type { FunctionColdStart } from './cold-start.js';
import type { ConcurrencyReport } from './concurrency-suite.js';
import type { DrainRow } from './drain-suite.js';

export const TARGETS = {
  maxBundleKilobytes: 300,
  maxColdImportMs: 25,
  transitionsFractionOfFixed10s: 1 / 3,
  costDrainSeconds: 600,
} as const;

export interface TargetCheck {
  target: string;
  met: boolean;
  detail: string;
}

export function checkTargets(drains: DrainRow[], coldStarts: FunctionColdStart[], concurrency: ConcurrencyReport | undefined): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const adaptive = drains.filter((row) => row.policy === 'adaptive');
  if (adaptive.length > 0) {
    const missed = adaptive.filter((row) => !row.latencyTargetMet).map((row) => `${row.nominalDrainSeconds} s (max ${row.latencySeconds.max} s)`);
    checks.push({
      target: 'Detection latency ≤ 2 s + 5 % of the drain (adaptive, every repeat)',
      met: missed.length === 0,
      detail: missed.length === 0 ? `all ${adaptive.length} drains` : `missed at ${missed.join(', ')}`,
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
  for (const fn of coldStarts) {
    const template = fn.variants.template;
    if (!template) continue;
    checks.push({
      target: `${fn.logicalId}: ≤ ${TARGETS.maxBundleKilobytes} KB and ≤ ${TARGETS.maxColdImportMs} ms cold import`,
      met: template.kilobytes <= TARGETS.maxBundleKilobytes && template.importMs.medianMs <= TARGETS.maxColdImportMs,
      detail: `${template.kilobytes} KB, median ${template.importMs.medianMs} ms (min ${template.importMs.minMs} ms; ${fn.templateWithSourceMapsMs.medianMs} ms with --enable-source-maps)`,
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

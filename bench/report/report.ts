import type { FunctionColdStart } from '#bench/cold-start/measure.js';
import type { ConcurrencyReport } from '#bench/concurrency/suite.js';
import type { DrainRow } from '#bench/drains/suite.js';
import type { MachineInfo } from '#bench/support/machine.js';
import type { PollingPolicy } from '#bench/support/policies.js';
import { PRICES } from '#bench/support/prices.js';
import type { FleetRow } from '#bench/fleet/types.js';
import { coldStartTable, concurrencyTable, costTable, eventsTable, fleetTable, latencyTable, targetsTable } from './tables.js';
import type { EventsRow } from '#bench/events/types.js';
import type { TargetCheck } from './targets.js';
import { EVENTS_NOTE, FLEET_NOTE, pricesNote } from './notes.js';
import type { OrgRow } from '#bench/org/suite.js';
import { organizationTable } from '#bench/org/report.js';
import type { LimitsRow } from '#bench/limits/types.js';
import { limitsTable } from '#bench/limits/suite.js';

export interface BenchResults {
  machine: MachineInfo;
  finishedAt: string;
  totalRealSeconds: number;
  sectionSeconds: Record<string, number>;
  policies: PollingPolicy[];
  prices: typeof PRICES;
  drains: DrainRow[];
  coldStarts: FunctionColdStart[];
  fleet: FleetRow[];
  events: EventsRow[];
  concurrency?: ConcurrencyReport;
  organization?: OrgRow;
  limits?: LimitsRow;
  targets: TargetCheck[];
}

/** The whole comparison as Markdown: what `npm run bench` prints. */
export function renderReport(results: BenchResults): string {
  const { machine } = results;
  const sectionTimes = Object.entries(results.sectionSeconds)
    .map(([section, seconds]) => `${section} ${seconds} s`)
    .join(', ');
  const sections = [
    `# Graceful-stop benchmark — ${machine.date.slice(0, 10)}`,
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}; ` +
      `load average ${machine.loadAverage} at the start. Bench took ${Math.round(results.totalRealSeconds)} s (${sectionTimes}).`,
  ];
  if (results.drains.length > 0) {
    sections.push(
      '## Detection latency (simulated seconds, median / max of the repeats; ✓ = every repeat ≤ 2 s + 5 % of its drain)',
      latencyTable(results.drains, results.policies),
      '## Cost per graceful stop',
      costTable(results.drains, results.policies),
      pricesNote(results.prices.source),
    );
  }
  if (results.events.length > 0) {
    sections.push(
      "## Detection with run events (simulated seconds from a run's end to its stop's first look that saw it)",
      eventsTable(results.events),
      EVENTS_NOTE,
    );
  }
  if (results.coldStarts.length > 0) {
    sections.push(
      '## Cold start (KB = 1,000 bytes without the source map; ms = `await import(bundle)` in a fresh node process, median (min) of 10)',
      coldStartTable(results.coldStarts),
    );
  }
  if (results.concurrency) sections.push('## Concurrency', concurrencyTable(results.concurrency));
  if (results.fleet.length > 0) {
    sections.push(
      '## Fleet: stop-all of 1,000 and 10,000 runs (simulated seconds; R = 10 calls a second)',
      fleetTable(results.fleet),
      FLEET_NOTE,
    );
  }
  if (results.organization) {
    sections.push(
      '## Organization stop: 100 accounts × 3 regions × 20 runs (simulated seconds)',
      organizationTable(results.organization),
      // latest.md is in bench/results.
      ...(results.organization.picture ? [`![The organization stop over time](../../${results.organization.picture})`] : []),
    );
  }
  if (results.limits) sections.push("## Pipelines' own limits (from their tags)", limitsTable(results.limits));
  sections.push('## Targets', targetsTable(results.targets));
  return `${sections.join('\n\n')}\n`;
}

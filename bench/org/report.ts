/** The organization bench in the report: its table and its targets. */
import { markdownTable } from '#bench/report/tables.js';
import type { TargetCheck } from '#bench/report/targets.js';
import type { FleetRow } from '#bench/fleet/types.js';
import type { OrgRow } from './suite.js';

export const ORG_TARGETS = {
  lastSignalSeconds: 60,
  endToReportSeconds: 45,
  maxStateBytes: 262_144,
  maxHistoryEvents: 25_000,
} as const;

const money = (dollars: number): string => dollars.toFixed(7);
const counts = (record: Record<string, number>): string =>
  Object.entries(record)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');

export function organizationTable(row: OrgRow): string {
  if (row.error) return `The organization bench failed: ${row.error}`;
  const { cost, quotas } = row;
  return markdownTable(
    ['measure', 'value'],
    [
      [
        'targets × runs (drain)',
        `${row.targets} × ${row.runs / row.targets} = ${row.runs} runs (${row.drainSeconds / 60} min), time scale ${row.timeScale}`,
      ],
      ['outcome; final statuses', `${counts(row.outcome)}; ${counts(row.finalStatuses)}`],
      ...(row.causes?.length ? [['why targets did not complete', row.causes.join(' / ')]] : []),
      ['last signal (any spoke)', `${row.secondsToLastSignal.toFixed(1)} s`],
      [
        "a run's end to the hub's report of it (median / max)",
        `${row.medianEndToReportSeconds.toFixed(1)} / ${row.maxEndToReportSeconds.toFixed(1)} s`,
      ],
      ['report', `${row.secondsToReport.toFixed(0)} s after the request`],
      [
        'hub: transitions, Lambda invocations, GB-s',
        `${cost.hubTransitions}, ${cost.hubLambdaInvocations}, ${cost.hubLambdaGbSeconds.toFixed(1)}`,
      ],
      [
        'spokes: transitions, Lambda invocations, GB-s',
        `${cost.spokeTransitions}, ${cost.spokeLambdaInvocations}, ${cost.spokeLambdaGbSeconds.toFixed(1)}`,
      ],
      ['$ per run (hub and spokes)', money(cost.dollarsPerRun)],
      [`${quotas.targets} targets (dry run): outcome`, counts(quotas.outcome)],
      [`${quotas.targets} targets: largest state`, `${quotas.largestStateBytes} bytes (${quotas.largestStateName})`],
      [
        `${quotas.targets} targets: history events, parent / largest child`,
        `${quotas.parentHistoryEvents} / ${quotas.largestChildHistoryEvents}`,
      ],
      ['real time', `${row.realSeconds.toFixed(0)} s`],
    ],
  );
}

/** The fleet's 1,000 runs × 2 min, as docs/benchmarks.md last gave it (2026-12-02), when this run measured no fleet. */
const FLEET_DOLLARS_PER_RUN_BEFORE = 0.0000024;

/** The fleet's cost per run to compare with: its 1,000 runs × 2 min, measured now or before. */
const fleetDollarsPerRun = (fleet: readonly FleetRow[]): number =>
  fleet.find((row) => row.runs === 1_000 && row.drainSeconds === 120)?.designs.find((design) => design.design === 'fleet')?.dollarsPerRun ??
  FLEET_DOLLARS_PER_RUN_BEFORE;

export function checkOrganizationTargets(row: OrgRow | undefined, fleet: readonly FleetRow[]): TargetCheck[] {
  if (!row) return [];
  if (row.error) return [{ target: 'Organization stop', met: false, detail: row.error }];
  const reference = fleetDollarsPerRun(fleet);
  return [
    {
      target: `Organization stop: last signal ≤ ${ORG_TARGETS.lastSignalSeconds} s after the request`,
      met: row.secondsToLastSignal <= ORG_TARGETS.lastSignalSeconds,
      detail: `${row.secondsToLastSignal.toFixed(1)} s over ${row.targets} targets`,
    },
    {
      target: `Organization stop: every run's end reported ≤ ${ORG_TARGETS.endToReportSeconds} s after it`,
      met: row.maxEndToReportSeconds <= ORG_TARGETS.endToReportSeconds,
      detail: `slowest ${row.maxEndToReportSeconds.toFixed(1)} s`,
    },
    {
      target: "Organization stop: $ per run ≤ the single-account fleet's (1,000 runs × 2 min)",
      met: row.cost.dollarsPerRun <= reference,
      detail: `${money(row.cost.dollarsPerRun)} against ${money(reference)}: a spoke's stop-all serves at most 20 runs (the quota), the fleet's 1,000`,
    },
    {
      target: `Organization stop at ${row.quotas.targets} targets: every state ≤ 256 KB, every history ≤ ${ORG_TARGETS.maxHistoryEvents} events`,
      met:
        row.quotas.largestStateBytes <= ORG_TARGETS.maxStateBytes &&
        Math.max(row.quotas.parentHistoryEvents, row.quotas.largestChildHistoryEvents) <= ORG_TARGETS.maxHistoryEvents,
      detail: `largest state ${row.quotas.largestStateBytes} bytes; history ${row.quotas.parentHistoryEvents} (parent), ${row.quotas.largestChildHistoryEvents} (largest child)`,
    },
  ];
}

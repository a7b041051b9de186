/**
 * An organization stop in the terminal: its phases as they come (targets resolved, every target's
 * stop-all started and waited for, the report), then one line per target within 80 columns - the
 * targets that did not complete first - and the totals.
 */
import type { OrganizationStopReport, TargetResult } from '#stop-all/organization/model.js';
import { EXIT, failureOf, type StopRunOutcome } from './outcome.js';
import { printable } from './printable.js';

/** Every line of the result fits a terminal of this width. */
const COLUMNS = 80;
const fit = (line: string): string => (line.length > COLUMNS ? `${line.slice(0, COLUMNS - 1)}…` : line);
const counts = (record: Record<string, number>): string =>
  Object.entries(record)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ') || 'none';

export class OrganizationStopProgress {
  private lastCounts = '';

  constructor(private readonly sink: { write(text: string): void }) {}

  /** The targets' counts from the Map Run, written when they change. */
  onMapRun(counts: {
    total?: number;
    running?: number;
    pending?: number;
    succeeded?: number;
    failed?: number;
    timedOut?: number;
    aborted?: number;
  }): void {
    const ended = (counts.succeeded ?? 0) + (counts.failed ?? 0) + (counts.timedOut ?? 0) + (counts.aborted ?? 0);
    const line = `organization stop: ${ended} of ${counts.total ?? '?'} target(s) ended, ${(counts.running ?? 0) + (counts.pending ?? 0)} running\n`;
    if (line === this.lastCounts) return;
    this.lastCounts = line;
    this.sink.write(line);
  }

  onStateEntered(stateName: string): void {
    if (stateName === 'Resolve Targets') this.sink.write('organization stop: resolving the targets\n');
    if (stateName === 'Summarise Organization Stop') this.sink.write('organization stop: every target ended; reporting\n');
  }

  onStateExited(stateName: string, output: unknown): void {
    if (stateName !== 'Resolve Targets' || typeof output !== 'object' || output === null) return;
    const { targetCount, dryRun } = output as { targetCount?: number; dryRun?: boolean };
    this.sink.write(`organization stop: ${targetCount ?? '?'} target(s); starting each one's stop-all${dryRun ? ' (dry run)' : ''}\n`);
  }
}

const targetLine = (result: TargetResult): string =>
  fit(
    `  ${result.accountId} ${result.region.padEnd(14)} ${result.outcome.padEnd(17)} ` +
      (result.outcome === 'Completed'
        ? `${result.selected ?? 0} run(s): ${result.succeeded ?? 0} ended well, ${result.failed ?? 0} not`
        : printable(result.cause ?? '')),
  );

export function humanOrganizationResult(outcome: StopRunOutcome): string {
  if (outcome.status !== 'SUCCEEDED') {
    const failure = failureOf(outcome);
    return `organization stop failed: ${failure.error}: ${failure.cause}`;
  }
  const report = outcome.output as OrganizationStopReport;
  const { totals } = report;
  return [
    fit(`organization stop${report.dryRun ? ' (dry run)' : ''}: ${report.targets} target(s): ${counts(report.byOutcome)}`),
    fit(`  ${totals.selected} run(s), ${totals.signalled} signalled; ${totals.succeeded} ended well, ${totals.failed} did not`),
    fit(`  final statuses: ${counts(report.finalStatuses)}`),
    ...report.results.map(targetLine),
    ...(report.resultsOmitted > 0 ? [`  … and ${report.resultsOmitted} more target(s) (every one in the execution's output)`] : []),
  ].join('\n');
}

/** 0 when every target completed and every run ended well; 1 otherwise. */
export function organizationExitCode(outcome: StopRunOutcome): number {
  if (outcome.status !== 'SUCCEEDED') return EXIT.namedFailure;
  const report = outcome.output as OrganizationStopReport;
  return (report.byOutcome.Completed ?? 0) === report.targets && report.totals.failed === 0 ? EXIT.success : EXIT.namedFailure;
}

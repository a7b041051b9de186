import type { RunningListing } from '../functions/stop-all/list-running-executions.logic.js';
import { readFailure, type StopAllSummary, type StopFailedItem, type StopSucceededItem } from '../functions/stop-all/summarise-stop-all.logic.js';
import type { ProgressSink } from './progress.js';
import { EXIT, type StopRunOutcome } from './result-view.js';

/**
 * Progress of a stop-all run from its state outputs (local engine events or
 * AWS execution history, same shape): the listing, then one line per child
 * graceful stop as it ends.
 */
export class StopAllProgress {
  constructor(private readonly sink: ProgressSink, private readonly enabled = true) {}

  onStateExited(stateName: string, output: unknown): void {
    if (!this.enabled || typeof output !== 'object' || output === null) return;
    if (stateName === 'List Running Executions' && 'listing' in output) {
      const listing = (output as { listing: RunningListing }).listing;
      const extra = [
        listing.omitted > 0 ? `${listing.omitted} omitted by the cap: run stop-all again` : '',
        listing.tooRecent > 0 ? `${listing.tooRecent} too recent` : '',
        listing.scanComplete ? '' : `only the newest ${listing.scanned} executions were read`,
      ].filter(Boolean);
      this.sink.write(
        `${listing.running} running execution(s) of ${listing.request.pipelineName}; stopping ${listing.items.length}, at most ${listing.request.maxConcurrency} at a time${extra.length > 0 ? ` (${extra.join(', ')})` : ''}\n`,
      );
    } else if (stateName === 'Record Stop Succeeded') {
      const item = output as StopSucceededItem;
      this.sink.write(`  ${item.outcome}: ${item.pipelineExecutionArn} (waited ${item.waitedSeconds}s)\n`);
    } else if (stateName === 'Record Stop Failed') {
      const report = readFailure(output as StopFailedItem);
      this.sink.write(`  FAILED ${report.error}: ${report.pipelineExecutionArn}\n`);
    }
  }
}

/** 0 when the run succeeded and every child graceful stop did; 1 otherwise. */
export function stopAllExitCode(outcome: StopRunOutcome): number {
  if (outcome.status !== 'SUCCEEDED') return EXIT.namedFailure;
  return (outcome.output as StopAllSummary | undefined)?.failed === 0 ? EXIT.success : EXIT.namedFailure;
}

export function humanStopAllResult(outcome: StopRunOutcome): string {
  if (outcome.status !== 'SUCCEEDED') return `FAILED ${outcome.error}: ${outcome.cause}`;
  const summary = outcome.output as StopAllSummary;
  const counts = (record: Record<string, number>): string =>
    Object.entries(record)
      .map(([key, count]) => `${key} ${count}`)
      .join(', ') || 'none';
  return [
    `stop-all ${summary.pipelineName}: ${summary.attempted} graceful stop(s), ${summary.succeeded} succeeded, ${summary.failed} failed` +
      `${summary.omitted > 0 ? `, ${summary.omitted} omitted (run again)` : ''}`,
    `  outcomes: ${counts(summary.outcomes)}`,
    `  errors: ${counts(summary.errors)}`,
    ...summary.children.map((child) =>
      child.succeeded
        ? `  ${child.outcome}: ${child.pipelineExecutionArn}`
        : `  FAILED ${child.error}: ${child.pipelineExecutionArn}: ${child.cause}`,
    ),
  ].join('\n');
}

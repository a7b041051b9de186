import type { RunningListing, StopAllSummary, StopFailedItem, StopSucceededItem } from '#stop-all/model.js';
import { selectionOf } from '#stop-all/stop-all-request.js';
import { readFailure } from '#stop-all/summarise-stop-all.logic.js';
import { LiveBlock, type ProgressSink } from './live-block.js';
import { EXIT, failureLine, type StopRunOutcome } from './outcome.js';
import { printable } from './printable.js';

/** How many executions the live table lists before it only counts the rest. */
export const TABLE_ROWS = 20;

type RowState = { arn: string; state: string };

/** `pipeline-name execution-id`: what tells two runs apart, short enough for an 80-column row (the result lists full ARNs). */
export function runName(arn: string): string {
  const match = /:pipeline\/([^/]+)\/execution\/([^/]+)$/.exec(arn);
  return printable(match ? `${match[1]} ${match[2]}` : arn);
}

const rowLine = (row: RowState): string => `  ${row.state}: ${runName(row.arn)}`;

/**
 * Progress of a stop-all run from its state outputs (local engine events or
 * AWS execution history, same shape): the listing, then a table of the
 * batch's executions with each one's state (queued, stopping, the outcome or
 * the error), redrawn in place on a TTY and written as lines elsewhere.
 */
export class StopAllProgress {
  private readonly live: LiveBlock;
  private readonly rows = new Map<string, RowState>();
  private header = '';
  /** Batches listed so far, the runs they took, and how many qualified at the first listing. */
  private batches = 0;
  private taken = 0;
  private total = 0;

  constructor(private readonly sink: ProgressSink, private readonly enabled = true) {
    this.live = new LiveBlock(sink);
  }

  /** A Map iteration began its graceful stop (the input of "Stop Gracefully"). */
  onStateEntered(stateName: string, input: unknown): void {
    if (!this.enabled || stateName !== 'Stop Gracefully') return;
    const arn = (input as { childInput?: { pipelineExecutionArn?: string } } | null)?.childInput?.pipelineExecutionArn;
    if (arn) this.update(arn, 'stopping…');
  }

  onStateExited(stateName: string, output: unknown): void {
    if (!this.enabled || typeof output !== 'object' || output === null) return;
    if (stateName === 'List Running Executions' && 'listing' in output) {
      const listing = (output as { listing: RunningListing }).listing;
      const extra = [
        listing.omitted > 0 ? `${listing.omitted} omitted by the cap: run stop-all again` : '',
        listing.tooRecent > 0 && this.batches === 0 ? `${listing.tooRecent} too recent` : '',
        listing.scanComplete ? '' : `only the newest ${listing.scanned} executions were read`,
      ].filter(Boolean);
      const what = listing.request.dryRun ? 'would stop' : 'stopping';
      const tail = extra.length > 0 ? ` (${extra.join(', ')})` : '';
      // Every batch lists what is left after the ones before it: the first one counts them all.
      if (this.batches === 0) {
        this.total = listing.running;
        const batched = listing.items.length < listing.running ? ` in batches of ${listing.items.length}` : '';
        this.header = `${listing.running} running execution(s) of ${printable(selectionOf(listing.request))} in ${listing.pipelines} pipeline(s); ${what} ${listing.running}${batched}${listing.request.dryRun ? '' : `, at most ${listing.request.maxConcurrency} at a time`}${tail}`;
      } else {
        this.header = `batch ${this.batches + 1}: ${what} ${this.taken + 1}-${this.taken + listing.items.length} of ${this.total}${tail}`;
      }
      this.batches += 1;
      this.taken += listing.items.length;
      this.rows.clear();
      this.live.line(this.header);
      for (const candidate of listing.batch) this.rows.set(candidate.pipelineExecutionArn, { arn: candidate.pipelineExecutionArn, state: listing.request.dryRun ? `would stop (${candidate.ageSeconds ?? '?'} s old)` : 'queued' });
      if (listing.request.dryRun || !this.sink.isTTY) {
        for (const row of this.rows.values()) this.live.line(rowLine(row));
      } else this.draw();
    } else if (stateName === 'Record Stop Succeeded') {
      const item = output as StopSucceededItem;
      this.update(item.pipelineExecutionArn, `${item.outcome} (waited ${item.waitedSeconds}s)`);
    } else if (stateName === 'Record Stop Failed') {
      const report = readFailure(output as StopFailedItem);
      this.update(report.pipelineExecutionArn, `FAILED ${report.error}`);
    }
  }

  /** After a terminal resize. */
  onResize(): void {
    this.live.onResize();
  }

  private update(arn: string, state: string): void {
    this.rows.set(arn, { arn, state });
    if (this.sink.isTTY) this.draw();
    else this.live.line(rowLine({ arn, state }));
  }

  private draw(): void {
    const rows = [...this.rows.values()];
    const counts = rows.reduce<Record<string, number>>((all, row) => {
      const key = row.state.split(' ')[0] ?? row.state;
      all[key] = (all[key] ?? 0) + 1;
      return all;
    }, {});
    const shown = rows.slice(0, TABLE_ROWS).map((row) => `  ${row.state.padEnd(24)} ${runName(row.arn)}`);
    const more = rows.length > TABLE_ROWS ? [`  … and ${rows.length - TABLE_ROWS} more`] : [];
    const summary = `  ${Object.entries(counts).map(([state, count]) => `${state} ${count}`).join(', ')}`;
    this.live.block([...shown, ...more, summary]);
  }
}

/** 0 when the run succeeded and every child graceful stop did; 1 otherwise. */
export function stopAllExitCode(outcome: StopRunOutcome): number {
  if (outcome.status !== 'SUCCEEDED') return EXIT.namedFailure;
  return (outcome.output as StopAllSummary | undefined)?.failed === 0 ? EXIT.success : EXIT.namedFailure;
}

export function humanStopAllResult(outcome: StopRunOutcome): string {
  if (outcome.status !== 'SUCCEEDED') return failureLine(outcome);
  const summary = outcome.output as StopAllSummary;
  const counts = (record: Record<string, number>): string =>
    Object.entries(record)
      .map(([key, count]) => `${key} ${count}`)
      .join(', ') || 'none';
  if (summary.dryRun) {
    return [
      `stop-all ${summary.pipelineName} (dry run): would stop ${summary.wouldStopCount} running execution(s) in ${summary.pipelines} pipeline(s)${summary.omitted > 0 ? `, ${summary.omitted} more beyond the cap` : ''}`,
      ...summary.wouldStop.map((candidate) => `  ${candidate.pipelineExecutionArn} (${candidate.pipelineName}, ${candidate.ageSeconds ?? '?'} s old)`),
      ...(summary.wouldStopCount > summary.wouldStop.length ? [`  … and ${summary.wouldStopCount - summary.wouldStop.length} more`] : []),
    ].join('\n');
  }
  return [
    `stop-all ${summary.pipelineName}: ${summary.attempted} graceful stop(s), ${summary.succeeded} succeeded, ${summary.failed} failed` +
      `${summary.omitted > 0 ? `, ${summary.omitted} omitted (run again)` : ''}`,
    `  outcomes: ${counts(summary.outcomes)}`,
    `  errors: ${counts(summary.errors)}`,
    ...summary.children.map((child) =>
      child.succeeded
        ? `  ${child.outcome}: ${child.pipelineExecutionArn}`
        : `  FAILED ${printable(child.error ?? '')}: ${child.pipelineExecutionArn}: ${printable(child.cause ?? '')}`,
    ),
    ...(summary.childrenOmitted > 0 ? [`  … and ${summary.childrenOmitted} more (succeeded ones are counted above)`] : []),
  ].join('\n');
}

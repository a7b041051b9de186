import type { FleetProgress, ListedState, RunReport, StopAllSummary } from '#stop-all/model.js';
import { selectionOf } from '#stop-all/stop-all-request.js';
import { LiveBlock, type ProgressSink } from './live-block.js';
import { EXIT, failureLine, type StopRunOutcome } from './outcome.js';
import { printable } from './printable.js';

/** `pipeline-name execution-id`: what tells two runs apart, short enough for an 80-column row (the result lists full ARNs). */
export function runName(arn: string): string {
  const match = /:pipeline\/([^/]+)\/execution\/([^/]+)$/.exec(arn);
  return printable(match ? `${match[1]} ${match[2]}` : arn);
}

const counts = (record: Record<string, number>): string =>
  Object.entries(record)
    .filter(([, count]) => count > 0)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ') || 'none';

/** "45 s", "2 min 5 s", "1 h 5 min": a duration a person reads at a glance, to the second under an hour. */
export function roughDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 90) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min${whole % 60 === 0 ? '' : ` ${whole % 60} s`}`;
  return `${Math.floor(whole / 3600)} h ${Math.round((whole % 3600) / 60)} min`;
}

/** The fleet's live counts in one line: signalled n/N, draining, ended by status, the estimate of the time left. */
export function progressLine(progress: FleetProgress): string {
  const ended = Object.values(progress.ended).reduce((sum, count) => sum + count, 0);
  const parts = [
    `signalled ${progress.signalled}/${progress.toSignal}`,
    ...(progress.takenIn > 0 ? [`taken in ${progress.takenIn}`] : []),
    `draining ${progress.draining}`,
    `ended ${ended}${ended > 0 ? ` (${counts(progress.ended)})` : ''}`,
    ...(progress.timedOut > 0 ? [`past deadline ${progress.timedOut}`] : []),
    ...(progress.errored > 0 ? [`errors ${progress.errored}`] : []),
    ...(progress.released > 0 ? [`released ${progress.released}`] : []),
    progress.done
      ? 'done'
      : progress.etaSeconds === null
        ? 'time left: unknown until a run ends'
        : `about ${roughDuration(progress.etaSeconds)} left`,
  ];
  return `  ${roughDuration(progress.elapsedSeconds)}: ${parts.join(' · ')}`;
}

/**
 * Progress of a stop-all run from its state outputs (local engine events or AWS execution
 * history, same shape): what the listing took, then the fleet's counts after every cycle,
 * redrawn in place on a TTY and written as lines elsewhere.
 */
export class StopAllProgress {
  private readonly live: LiveBlock;

  constructor(
    private readonly sink: ProgressSink,
    private readonly enabled = true,
  ) {
    this.live = new LiveBlock(sink);
  }

  onStateEntered(_stateName: string, _input: unknown): void {
    // The counts come with each state's output.
  }

  onStateExited(stateName: string, output: unknown): void {
    if (!this.enabled || typeof output !== 'object' || output === null || !('progress' in output)) return;
    const state = output as ListedState;
    if (stateName === 'List Running Executions') {
      const { listing, progress, request } = state;
      const extra = [
        listing.omitted > 0 ? `${listing.omitted} beyond the deployment's cap: run stop-all again` : '',
        listing.tooRecent > 0 ? `${listing.tooRecent} too recent` : '',
        listing.scanComplete ? '' : `only the newest ${listing.scanned} executions were read`,
      ].filter(Boolean);
      const tail = extra.length > 0 ? ` (${extra.join(', ')})` : '';
      const what = request.dryRun ? 'would signal' : 'signalling';
      this.live.line(
        `${progress.selected} run(s) of ${printable(selectionOf(request))} in ${listing.pipelines} pipeline(s): ${what} ${progress.toSignal} at ${request.signalRatePerSecond}/s, ${progress.takenIn} already Stopping (taken in)${tail}`,
      );
      if (request.dryRun) return;
      this.live.block([progressLine(progress)]);
    } else if (stateName === 'Signal And Sweep') {
      this.live.block([progressLine(state.progress)]);
    }
  }

  /** After a terminal resize. */
  onResize(): void {
    this.live.onResize();
  }
}

/** 0 when the run succeeded and every run it took ended well; 1 otherwise. */
export function stopAllExitCode(outcome: StopRunOutcome): number {
  if (outcome.status !== 'SUCCEEDED') return EXIT.namedFailure;
  return (outcome.output as StopAllSummary | undefined)?.failed === 0 ? EXIT.success : EXIT.namedFailure;
}

const runLine = (run: RunReport): string =>
  `  FAILED ${printable(run.error ?? '')}: ${run.pipelineExecutionArn}: ${printable(run.cause ?? '')}`;

export function humanStopAllResult(outcome: StopRunOutcome): string {
  if (outcome.status !== 'SUCCEEDED') return failureLine(outcome);
  const summary = outcome.output as StopAllSummary;
  if (summary.dryRun) {
    return [
      `stop-all ${summary.pipelineName} (dry run): would signal ${summary.takenIn > 0 ? 'and take in ' : ''}${summary.wouldStopCount} run(s) in ${summary.pipelines} pipeline(s)${summary.omitted > 0 ? `, ${summary.omitted} more beyond the cap` : ''}`,
      ...summary.byPipeline.map(
        (pipeline) => `  ${printable(pipeline.pipelineName)}: ${pipeline.executing} to signal, ${pipeline.stopping} already Stopping`,
      ),
      ...summary.wouldStop.map(
        (candidate) => `  ${candidate.pipelineExecutionArn} (${candidate.status}, ${candidate.ageSeconds ?? '?'} s old)`,
      ),
      ...(summary.wouldStopCount > summary.wouldStop.length
        ? [`  … and ${summary.wouldStopCount - summary.wouldStop.length} more (every one in ${summary.ledger})`]
        : []),
    ].join('\n');
  }
  // The runs that did not end well, each with its reason; the others are counted above.
  const failed = summary.runs.filter((run) => !run.succeeded);
  const timing = [
    summary.secondsToLastSignal === null ? '' : `last signal after ${summary.secondsToLastSignal} s`,
    summary.secondsToLastEnd === null ? '' : `last end after ${summary.secondsToLastEnd} s`,
  ].filter(Boolean);
  return [
    `stop-all ${summary.pipelineName}: ${summary.selected} run(s), ${summary.signalled} signalled, ${summary.takenIn} taken in; ${summary.succeeded} ended well, ${summary.failed} did not` +
      `${summary.omitted > 0 ? `, ${summary.omitted} beyond the cap (run again)` : ''}`,
    `  outcomes: ${counts(summary.outcomes)}`,
    `  errors: ${counts(summary.errors)}`,
    `  final statuses: ${counts(summary.finalStatuses)}${summary.released > 0 ? `; ${summary.released} callback step(s) released` : ''}${summary.leftovers > 0 ? `; ${summary.leftovers} left behind by runs that ended Failed (jobs stopped, functions named: see runs[].leftovers)` : ''}`,
    ...(timing.length > 0 ? [`  ${timing.join(', ')}`] : []),
    ...(summary.slowestDrains.length > 0
      ? [
          `  slowest drains: ${summary.slowestDrains.map((drain) => `${runName(drain.pipelineExecutionArn)} ${drain.drainSeconds} s`).join(', ')}`,
        ]
      : []),
    ...failed.map(runLine),
    ...(summary.failed > failed.length ? [`  … and ${summary.failed - failed.length} more that did not end well`] : []),
    ...(summary.selected > 0 ? [`  every run, with its signal and end: ${summary.ledger}`] : []),
  ].join('\n');
}

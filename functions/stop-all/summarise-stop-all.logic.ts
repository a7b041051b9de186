import type { Clock } from '#commons/clock.js';
import { InvalidInput } from '#commons/errors.js';
import {
  classifyEnd,
  describeDrainingStep,
  drainTimedOutSentence,
  endedFailedSentence,
  isTerminalStatus,
} from '#pipeline-runs/pipeline-execution.js';
import { clip } from '#commons/text.js';
import { drainSecondsOf, originOf, secondsBetween } from './fleet-progress.js';
import type { LedgerStore } from './ledger.js';
import { MAX_REPORTED_RUNS } from './limits.js';
import type { FleetLedger, FleetRun, ListedState, RunReport, StopAllSummary } from './model.js';
import { selectionOf } from './stop-all-request.js';

/** Causes are cut to this length so 100 reported runs stay well under the 256 KB payload limit. */
export const MAX_CAUSE_LENGTH = 600;
/** The longest drains the report names. */
export const SLOWEST_DRAINS = 5;
/** The report is the execution's output: it stays under this size (Step Functions allows 256 KB), dropping listed runs if it must. */
export const MAX_SUMMARY_BYTES = 200_000;
/** The completion event names at most this many runs that did not end well (an EventBridge entry is at most 256 KB). */
export const EVENT_RUNS = 20;
export const STOP_ALL_COMPLETED_DETAIL_TYPE = 'Stop All Completed';

/** Drops listed runs from the end (succeeded ones first: the list is failed-first) until the document fits. */
export function fitted<T extends { runs: RunReport[]; runsOmitted: number }>(document: T, maxBytes: number): T {
  const runs = [...document.runs];
  let size = Buffer.byteLength(JSON.stringify(document));
  let omitted = document.runsOmitted;
  while (size > maxBytes && runs.length > 0) {
    const dropped = runs.pop();
    size -= Buffer.byteLength(JSON.stringify(dropped)) + 1;
    omitted += 1;
  }
  return { ...document, runs, runsOmitted: omitted };
}

/** The completion event of a stop-all: the report's counts and timings, and the first runs that did not end well. */
export function completionEventOf(
  summary: StopAllSummary,
  executionId: string,
): { detailType: string; detail: Record<string, unknown>; resources: string[] } {
  const failed = summary.runs.filter((run) => !run.succeeded);
  const detail = fitted(
    {
      ...summary,
      executionArn: executionId,
      runs: failed.slice(0, EVENT_RUNS),
      runsOmitted: summary.failed - Math.min(failed.length, EVENT_RUNS),
      wouldStop: [],
    },
    MAX_SUMMARY_BYTES / 4,
  );
  return { detailType: STOP_ALL_COMPLETED_DETAIL_TYPE, detail, resources: [executionId] };
}

/**
 * How one run ended, by the same classification as the graceful stop of one run: our accepted
 * stop, or another stop already draining it (taken in), is a stop in effect; a run that was no
 * longer running when signalled ended on its own (AlreadyStopped, CompletedBeforeStop, ...).
 */
export function reportRun(run: FleetRun, ledger: FleetLedger, clock: Clock): RunReport {
  const base = {
    pipelineExecutionArn: run.arn,
    pipelineName: run.pipelineName,
    origin: originOf(run),
    ...(run.reason ? { reason: run.reason } : {}),
    finalStatus: run.status,
    drainSeconds: run.timedOut ? (ledger.request.maxWaitSeconds ?? null) : drainSecondsOf(run, clock),
    ...(run.steps && run.steps.length > 0 ? { steps: run.steps } : {}),
    ...(run.leftovers && run.leftovers.length > 0 ? { leftovers: run.leftovers } : {}),
  };
  if (run.error) return { ...base, succeeded: false, error: run.error.name, cause: clip(run.error.cause, MAX_CAUSE_LENGTH) };
  const end = classifyEnd({
    stopInEffect: run.listedStatus === 'Stopping' || run.signal?.result === 'Accepted' || run.statusAtStop === 'Stopping',
    ...(run.statusAtStop ? { statusAtStop: run.statusAtStop } : {}),
    status: run.status,
    deadlinePassed: run.timedOut === true,
    failIfNotRunning: false,
  });
  if (end.outcome) return { ...base, succeeded: true, outcome: end.outcome };
  const steps = run.steps ?? [];
  const cause =
    end.error === 'PipelineExecutionFailed'
      ? endedFailedSentence(steps, run.failureReason)
      : end.error === 'DrainTimedOut'
        ? drainTimedOutSentence(
            run.status,
            ledger.request.maxWaitSeconds ?? 0,
            steps.map((step) => describeDrainingStep(step, clock.now(), run.drainFrom)),
          )
        : `The summary was reached while the pipeline execution was still ${run.status}.`;
  return { ...base, succeeded: false, error: end.error, cause: clip(cause, MAX_CAUSE_LENGTH) };
}

const increment = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const secondsAfterListing = (ledger: FleetLedger, ms: number | undefined, clock: Clock): number | null =>
  ms === undefined ? null : secondsBetween(clock, ledger.listedAt, ms);

/**
 * The stop-all report from the fleet's ledger: counts by outcome, by named failure and by final
 * status; the runs that did not end well first, with their steps and reasons (at most
 * MAX_REPORTED_RUNS, the rest counted); the time to the last signal and to the last end; the
 * slowest drains; SageMaker's calls. A dry run reports what it would signal.
 */
export async function summariseStopAll(state: ListedState, deps: { ledgers: LedgerStore; clock: Clock }): Promise<StopAllSummary> {
  if (!state || typeof state.ledger?.key !== 'string' || typeof state.listing !== 'object' || state.listing === null) {
    throw new InvalidInput('The summary input has no ledger or no listing; expected the state after List Running Executions.');
  }
  const ledger = await deps.ledgers.read(state.ledger);
  const { request } = ledger;
  const { clock } = deps;
  const reports = request.dryRun ? [] : ledger.runs.map((run) => reportRun(run, ledger, clock));
  const outcomes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const finalStatuses: Record<string, number> = {};
  for (const report of reports) {
    if (report.outcome) increment(outcomes, report.outcome);
    if (report.error) increment(errors, report.error);
    increment(finalStatuses, report.finalStatus);
  }
  const failedFirst = [...reports.filter((report) => !report.succeeded), ...reports.filter((report) => report.succeeded)];
  const slowestDrains = reports
    .filter((report) => report.drainSeconds !== null && isTerminalStatus(report.finalStatus))
    .sort((a, b) => (b.drainSeconds ?? 0) - (a.drainSeconds ?? 0))
    .slice(0, SLOWEST_DRAINS)
    .map((report) => ({
      pipelineExecutionArn: report.pipelineExecutionArn,
      drainSeconds: report.drainSeconds ?? 0,
      finalStatus: report.finalStatus,
    }));
  const lastEnd = ledger.runs.reduce<number | undefined>(
    (last, run) => (run.endedAt !== undefined && (last === undefined || run.endedAt > last) ? run.endedAt : last),
    undefined,
  );
  const succeeded = reports.filter((report) => report.succeeded).length;
  return fitted<StopAllSummary>(
    {
      pipelineName: selectionOf(request),
      dryRun: request.dryRun,
      ledger: deps.ledgers.location(state.ledger),
      listedAt: state.listing.listedAt,
      finishedAt: new Date(clock.now()).toISOString(),
      pipelines: state.listing.pipelines,
      scanComplete: state.listing.scanComplete,
      tooRecent: state.listing.tooRecent,
      omitted: state.listing.omitted,
      byPipeline: state.listing.byPipeline,
      ...(state.listing.policies ? { policies: state.listing.policies } : {}),
      selected: ledger.runs.length,
      signalled: ledger.runs.filter((run) => run.signal?.result === 'Accepted').length,
      takenIn: request.dryRun
        ? ledger.runs.filter((run) => run.listedStatus === 'Stopping').length
        : reports.filter((report) => report.origin === 'TakenIn').length,
      succeeded,
      succeededSignalled: reports.filter((report) => report.succeeded && report.origin === 'Signalled').length,
      failed: reports.length - succeeded,
      outcomes,
      errors,
      finalStatuses,
      released: ledger.runs.reduce((sum, run) => sum + (run.released ?? 0), 0),
      leftovers: ledger.runs.reduce((sum, run) => sum + (run.leftoverCount ?? 0), 0),
      secondsToLastSignal: secondsAfterListing(ledger, ledger.lastSignalAt, clock),
      secondsToLastEnd: secondsAfterListing(ledger, lastEnd, clock),
      runs: failedFirst.slice(0, MAX_REPORTED_RUNS),
      runsOmitted: Math.max(0, failedFirst.length - MAX_REPORTED_RUNS),
      slowestDrains,
      sageMakerCalls: ledger.calls,
      peakCallsPerSecond: ledger.peaks ?? {},
      wouldStop: request.dryRun ? (state.candidates ?? []) : [],
      wouldStopCount: request.dryRun ? ledger.runs.length : 0,
    },
    MAX_SUMMARY_BYTES,
  );
}

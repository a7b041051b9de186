import type { Clock } from '#commons/clock.js';
import { InvalidInput } from '#commons/errors.js';
import type { ChildReport, StopAllBatchResult, StopAllState, StopAllSummary, StopFailedItem, StopItemResult } from './model.js';
import { selectionOf } from './stop-all-request.js';
import { clip } from '#commons/text.js';

/** Children and dry-run candidates listed in full: the summary stays far below the 256 KB payload limit. */
export const MAX_REPORTED_CHILDREN = 100;

/** Causes are cut to this length so 200 failed children stay well under the 256 KB payload limit. */
export const MAX_CAUSE_LENGTH = 600;
const STATUS_ERRORS: Record<string, string> = { TIMED_OUT: 'States.Timeout', ABORTED: 'ExecutionAborted' };

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * A failed iteration. With `startExecution.sync:2` a failed child surfaces as
 * `States.TaskFailed` whose Cause is the child's DescribeExecution response
 * (JSON): its `Error`/`Cause` are the child's named failure. Any other error
 * (the child could not be started, permissions, ...) is reported as caught.
 */
export function readFailure(item: StopFailedItem): ChildReport {
  const caughtError = item.failure.Error ?? 'States.TaskFailed';
  const execution = caughtError === 'States.TaskFailed' ? parseJsonObject(item.failure.Cause) : undefined;
  if (execution && typeof execution.ExecutionArn === 'string' && typeof execution.Status === 'string') {
    const status = execution.Status;
    return {
      pipelineExecutionArn: item.pipelineExecutionArn,
      childExecutionArn: execution.ExecutionArn,
      succeeded: false,
      error: text(execution.Error) ?? STATUS_ERRORS[status] ?? caughtError,
      cause: clip(text(execution.Cause) ?? `The graceful-stop execution ended ${status} without an error cause.`, MAX_CAUSE_LENGTH),
      childStatus: status,
    };
  }
  return {
    pipelineExecutionArn: item.pipelineExecutionArn,
    succeeded: false,
    error: caughtError,
    cause: clip(item.failure.Cause ?? '', MAX_CAUSE_LENGTH),
  };
}

function isFailed(item: StopItemResult): item is StopFailedItem {
  return 'failure' in item;
}

const increment = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Merges one batch into the totals: every child's outcome or error (failed
 * ones listed first, at most MAX_REPORTED_CHILDREN), counts per outcome and
 * per error, and in a dry run the runs that would have been stopped.
 */
export function summariseStopAll(state: StopAllState, clock: Clock): StopAllBatchResult {
  if (!state || typeof state.listing !== 'object' || state.listing === null || (!state.listing.request.dryRun && !Array.isArray(state.results))) {
    throw new InvalidInput('The summary input has no listing or no results; expected the output of the Stop Each Execution Map.');
  }
  const { listing } = state;
  const previous = state.totals;
  const fresh = (state.results ?? []).map((item): ChildReport => {
    if (isFailed(item)) return readFailure(item);
    return {
      pipelineExecutionArn: item.pipelineExecutionArn,
      childExecutionArn: item.childExecutionArn,
      succeeded: true,
      outcome: item.outcome,
      finalStatus: item.finalStatus,
      waitedSeconds: item.waitedSeconds,
    };
  });
  const outcomes: Record<string, number> = { ...(previous?.outcomes ?? {}) };
  const errors: Record<string, number> = { ...(previous?.errors ?? {}) };
  for (const child of fresh) {
    if (child.succeeded) increment(outcomes, child.outcome ?? 'Unknown');
    else increment(errors, child.error ?? 'Unknown');
  }
  const all = [...(previous?.children ?? []), ...fresh];
  const ordered = [...all.filter((child) => !child.succeeded), ...all.filter((child) => child.succeeded)];
  const children = ordered.slice(0, MAX_REPORTED_CHILDREN);
  const succeeded = (previous?.succeeded ?? 0) + fresh.filter((child) => child.succeeded).length;
  const attempted = (previous?.attempted ?? 0) + fresh.length;
  const candidates = listing.request.dryRun ? listing.batch : [];
  const wouldStop = [...(previous?.wouldStop ?? []), ...candidates].slice(0, MAX_REPORTED_CHILDREN);
  const totals: StopAllSummary = {
    pipelineName: selectionOf(listing.request),
    dryRun: listing.request.dryRun,
    batches: (previous?.batches ?? 0) + 1,
    pipelines: listing.pipelines,
    listedAt: previous?.listedAt ?? listing.listedAt,
    finishedAt: new Date(clock.now()).toISOString(),
    running: previous?.running ?? listing.running,
    attempted,
    omitted: listing.omitted,
    tooRecent: listing.tooRecent,
    scanComplete: (previous?.scanComplete ?? true) && listing.scanComplete,
    succeeded,
    failed: attempted - succeeded,
    outcomes,
    errors,
    children,
    childrenOmitted: attempted - children.length,
    wouldStop,
    wouldStopCount: (previous?.wouldStopCount ?? 0) + candidates.length,
  };
  return {
    ...(state.raw === undefined ? {} : { raw: state.raw }),
    request: listing.request,
    cursor: listing.cursor,
    more: listing.more,
    totals,
  };
}

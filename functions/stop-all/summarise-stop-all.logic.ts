import type { Clock } from '../commons/clock.js';
import { InvalidInput } from '../commons/errors.js';
import type { RunningListing } from './list-running-executions.logic.js';
import { clip } from '../commons/text.js';

/** A Map iteration that ended with the graceful stop succeeding (Record Stop Succeeded). */
export interface StopSucceededItem {
  pipelineExecutionArn: string;
  childExecutionArn: string;
  outcome: string;
  finalStatus: string | null;
  waitedSeconds: number;
}

/** A Map iteration whose graceful stop failed or could not start (Record Stop Failed): the caught error output. */
export interface StopFailedItem {
  pipelineExecutionArn: string;
  failure: { Error?: string; Cause?: string };
}

export type StopItemResult = StopSucceededItem | StopFailedItem;

export interface StopAllState {
  listing: RunningListing;
  results: StopItemResult[];
}

/** One child graceful stop, as the summary reports it. */
export interface ChildReport {
  pipelineExecutionArn: string;
  /** The graceful-stop execution; absent when it could not be started. */
  childExecutionArn?: string;
  succeeded: boolean;
  outcome?: string;
  finalStatus?: string | null;
  waitedSeconds?: number;
  /** The child's named failure (e.g. PipelineExecutionFailed) or the error that kept it from running. */
  error?: string;
  cause?: string;
  /** The child execution's Step Functions status when it did not succeed (FAILED, TIMED_OUT, ABORTED). */
  childStatus?: string;
}

/** The stop-all output document. */
export interface StopAllSummary {
  pipelineName: string;
  listedAt: string;
  finishedAt: string;
  /** Executing runs found old enough; `attempted` of them were stopped, `omitted` left for another run. */
  running: number;
  attempted: number;
  omitted: number;
  tooRecent: number;
  scanComplete: boolean;
  succeeded: number;
  failed: number;
  /** Successful children per outcome (Stopped, AlreadyStopped, CompletedBeforeStop, AlreadyFailed). */
  outcomes: Record<string, number>;
  /** Failed children per error name (PipelineExecutionFailed, DrainTimedOut, ...). */
  errors: Record<string, number>;
  children: ChildReport[];
}

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

/** Builds the stop-all output: every child's outcome or error, and counts per outcome and per error. */
export function summariseStopAll(state: StopAllState, clock: Clock): StopAllSummary {
  if (!state || typeof state.listing !== 'object' || state.listing === null || !Array.isArray(state.results)) {
    throw new InvalidInput('The summary input has no listing or no results; expected the output of the Stop Each Execution Map.');
  }
  const children = state.results.map((item): ChildReport => {
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
  const outcomes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const child of children) {
    if (child.succeeded) increment(outcomes, child.outcome ?? 'Unknown');
    else increment(errors, child.error ?? 'Unknown');
  }
  const { listing } = state;
  const succeeded = children.filter((child) => child.succeeded).length;
  return {
    pipelineName: listing.request.pipelineName,
    listedAt: listing.listedAt,
    finishedAt: new Date(clock.now()).toISOString(),
    running: listing.running,
    attempted: children.length,
    omitted: listing.omitted,
    tooRecent: listing.tooRecent,
    scanComplete: listing.scanComplete,
    succeeded,
    failed: children.length - succeeded,
    outcomes,
    errors,
    children,
  };
}

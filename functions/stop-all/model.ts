/**
 * The stop-all model: what its states hand each other (the listing, the batch, the Map's results,
 * the totals) and the output document. The listing and the summary both build on it; neither
 * imports the other.
 */
import type { StopAllRequest } from './stop-all-request.js';

export type { StopAllRequest } from './stop-all-request.js';

/** One graceful-stop input, as the Map hands it to the graceful-stop state machine. */
export interface ChildInput {
  pipelineExecutionArn: string;
  reason?: string;
  maxWaitSeconds?: number;
  releaseCallbacksAfterSeconds?: number;
}

/** A run in the batch, with what a dry run shows of it. */
export interface Candidate {
  pipelineName: string;
  pipelineExecutionArn: string;
  startedAt: string | null;
  ageSeconds: number | null;
}

/**
 * Where the next batch starts: runs are taken oldest first (start time, then
 * ARN), only those started before the first listing, and only after the last
 * run of the previous batch, so a run that failed to stop is not taken again.
 */
export interface ListingCursor {
  startedBefore: string;
  after?: { startedAt: number; pipelineExecutionArn: string };
}

/** What List Running Executions adds to the state: this batch, and how complete the listing is. */
export interface RunningListing {
  request: StopAllRequest;
  listedAt: string;
  /** Pipelines listed (by name, or matched by the pattern). */
  pipelines: number;
  /** Execution summaries read, of any status. */
  scanned: number;
  pagesRead: number;
  /** False when a page bound stopped a listing before its last page: older runs were not seen. */
  scanComplete: boolean;
  /** Executing runs old enough, not yet taken by an earlier batch. */
  running: number;
  /** This batch: oldest first, at most one Map's worth. */
  items: ChildInput[];
  batch: Candidate[];
  /** Qualifying runs after this batch. */
  remaining: number;
  /** True when another batch follows (runs remain and the run's cap is not reached). */
  more: boolean;
  /** Runs left out because the cap of one stop-all run is reached: run stop-all again for them. */
  omitted: number;
  /** Executing runs younger than `olderThanSeconds`, left running. */
  tooRecent: number;
  cursor: ListingCursor;
}

export interface ListingLimits {
  /** At most this many runs per stop-all run (the execution history must stay under 25,000 events). */
  maxItems: number;
  /** Runs per batch: one Map's results must stay under the 256 KB payload limit. */
  batchSize: number;
  /** At most this many pages of 100 per listing (executions of one pipeline, or pipelines). */
  maxPages: number;
}

/** What the stop-all state machine hands the listing: the input first, the request and cursor on later batches. */
export interface StopAllLoopState {
  raw?: unknown;
  request?: StopAllRequest;
  cursor?: ListingCursor;
  totals?: StopAllSummary;
}

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

/** The state after one batch: its listing, the Map's results (none in a dry run), the totals so far. */
export interface StopAllState {
  raw?: unknown;
  request?: StopAllRequest;
  listing: RunningListing;
  results?: StopItemResult[];
  totals?: StopAllSummary;
}

/** What Summarise Stop All hands back to the loop: the totals, and where the next batch starts. */
export interface StopAllBatchResult {
  raw?: unknown;
  request: StopAllRequest;
  cursor: ListingCursor;
  more: boolean;
  totals: StopAllSummary;
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
  /** What was selected: the pipeline name, the names, or the pattern. */
  pipelineName: string;
  dryRun: boolean;
  /** Batches (Map runs) so far. */
  batches: number;
  /** Pipelines listed. */
  pipelines: number;
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
  /** Failed children first, then succeeded ones; at most MAX_REPORTED_CHILDREN (the rest only counted). */
  children: ChildReport[];
  childrenOmitted: number;
  /** A dry run's candidates, oldest first (at most MAX_REPORTED_CHILDREN), and how many there were. */
  wouldStop: Candidate[];
  wouldStopCount: number;
}


import type { Leftover } from '#pipeline-runs/leftovers.js';
/**
 * The stop-all model: the fleet's ledger (one record per run, kept in S3: the state machine's
 * payload carries only counts and cursors, so it stays far below 256 KB at any number of runs),
 * what its states hand each other, and the output document.
 */
import type { ExecutionStatus, StepView } from '#pipeline-runs/pipeline-execution.js';
import type { StopAllRequest } from './stop-all-request.js';

export type { StopAllRequest } from './stop-all-request.js';

/** How SageMaker answered our StopPipelineExecution. */
export type SignalResult =
  /** The stop is ours: the run was Executing. */
  | 'Accepted'
  /** The run was no longer Executing (Stopping by another stop, or ended). */
  | 'NotExecuting'
  /** A named error that no retry cures (access denied, unknown run, retries used up). */
  | 'Rejected';

/** One run the fleet stops: Executing when listed (signalled), or Stopping (taken in: waited for, never signalled). */
export interface FleetRun {
  arn: string;
  pipelineName: string;
  /** Start time, epoch ms; null when SageMaker gave none. */
  startedAt: number | null;
  listedStatus: 'Executing' | 'Stopping';
  /** Its pipeline's own policy (the runaway guard reads the tags): the stop's reason, naming the tag, and its grace. */
  reason?: string;
  graceSeconds?: number;
  /** Our StopPipelineExecution: when it was answered, how, and the attempts it took. */
  signal?: { at: number; result: SignalResult; attempts: number };
  /** Transient failures so far of a signal not yet answered, and when to try again (epoch ms). */
  retry?: { attempts: number; at: number; error: string };
  /** When its drain started (epoch ms): our accepted signal, our refused one, or the listing for a run taken in. Deadline and grace count from here. */
  drainFrom?: number;
  /** The last status a sweep saw, and its first sight after a refused signal. */
  status: ExecutionStatus;
  statusAtStop?: ExecutionStatus;
  failureReason?: string;
  /** When it ended, epoch ms: when a sweep first saw it ended, then SageMaker's own time once read (endTimeRead). */
  endedAt?: number;
  /** SageMaker was asked once when the run ended: endedAt is then its LastModifiedTime, unless that read failed. */
  endTimeRead?: boolean;
  /** Still draining when its deadline passed. */
  timedOut?: boolean;
  /** Complete sweeps of its pipeline that did not list it. */
  missed?: number;
  /** Its callback steps were checked this many times once its grace had passed (the last at `releaseCheckedAt`, fleet seconds), and how many were released. */
  releaseChecks?: number;
  releaseCheckedAt?: number;
  released?: number;
  /** A Failed or timed-out run's failed or draining steps, read once, for the report. */
  steps?: StepView[];
  /** A failure that is not a final status: the signal was rejected, or the run vanished. */
  error?: { name: string; cause: string };
  /** Its stop record is written: the stop watch leaves it alone, its end event wakes the fleet. */
  recorded?: true;
  /** A run that ended Failed: what may still run behind it (the first few), and how many in all. */
  leftovers?: Array<Pick<Leftover, 'stepName' | 'kind' | 'resource' | 'action'>>;
  leftoverCount?: number;
}

/** The fleet's ledger: everything stop-all knows of its runs, one S3 object per stop-all execution. */
export interface FleetLedger {
  version: 1;
  executionId: string;
  request: StopAllRequest;
  /** The listing time (epoch ms): runs started after it are not taken. */
  listedAt: number;
  /** Oldest first. */
  runs: FleetRun[];
  /** Index of the first run not yet signalled (the signalling cursor). */
  nextSignal: number;
  /** When the last signal was answered, epoch ms. */
  lastSignalAt?: number;
  cycles: number;
  /** SageMaker calls made by the fleet, by operation (the listing's included). */
  calls: Record<string, number>;
  /** Per operation, the fleet second before which its next call may not go: the pace holds across invocations. */
  pace?: Record<string, number>;
  /** Per operation, the most calls let through in one fleet second, and the second being counted ([second, calls]). */
  peaks?: Record<string, number>;
  counting?: Record<string, [number, number]>;
}

/** Where a fleet's ledger is kept (the bucket is the deployment's). */
export interface LedgerRef {
  key: string;
}

/** Runs of one pipeline, for the dry run and the report. */
export interface PipelineCount {
  pipelineName: string;
  executing: number;
  stopping: number;
}

/** What the listing found, beyond the runs: how complete it was and what it left out. */
export interface ListingFacts {
  listedAt: string;
  /** Pipelines listed (by name, or matched by the pattern). */
  pipelines: number;
  /** Execution summaries read, of any status, and the pages they took. */
  scanned: number;
  pagesRead: number;
  /** False when a page bound stopped a listing before its last page: older runs were not seen. */
  scanComplete: boolean;
  /** Runs younger than `olderThanSeconds`, left running. */
  tooRecent: number;
  /** Runs left out because the deployment's cap (StopAllMaxExecutions) was reached: run stop-all again for them. */
  omitted: number;
  /** Runs per pipeline, the most first (at most MAX_REPORTED_RUNS pipelines). */
  byPipeline: PipelineCount[];
  /** With pipelineTags (the runaway guard): each pipeline's policy as its tags set it, and each tag refused (at most MAX_REPORTED_RUNS). */
  policies?: PolicyDecision[];
}

/** What a pipeline's tags decided for the runaway guard, and the tag that decided it. */
export interface PolicyDecision {
  pipelineName: string;
  decision: 'Exempt' | 'MaxRuntime' | 'TagRefused';
  tag: string;
  /** The tag's value (refused or taken). */
  value: string;
  /** Why the tag was refused (TagRefused). */
  problem?: string;
}

/** The fleet's counts after a cycle (or the listing): what the Choice states and the CLI read. */
export interface FleetProgress {
  selected: number;
  /** Executing when listed: to be signalled. */
  toSignal: number;
  /** Signals answered (accepted, refused or rejected). */
  signalled: number;
  accepted: number;
  /** Stopping when listed: waited for, never signalled. */
  takenIn: number;
  draining: number;
  /** Runs ended, by final status. */
  ended: Record<string, number>;
  /** Runs still draining at their deadline. */
  timedOut: number;
  /** Runs with a failure that is not a final status (StopRejected, PipelineExecutionNotFound, SageMakerUnavailable). */
  errored: number;
  released: number;
  /** Seconds since the listing (the clock's). */
  elapsedSeconds: number;
  /** Median seconds from drain start to noticed end, of the runs ended so far (null before the first). */
  typicalDrainSeconds: number | null;
  /** Estimated seconds left: the signals to send, then a typical drain (null until one is known). */
  etaSeconds: number | null;
  signalling: boolean;
  done: boolean;
  /** Seconds the Wait state sleeps before the next cycle (0 while signalling). */
  nextWaitSeconds: number;
  /** The sleep may be cut short by a run's end event (the history has room for the extra cycles). */
  wakeable: boolean;
  cycles: number;
}

/** The state stop-all carries: no per-run list, whatever the number of runs. */
export interface StopAllLoopState {
  raw?: unknown;
  executionId: string;
  request?: StopAllRequest;
  ledger?: LedgerRef;
  listing?: ListingFacts;
  progress?: FleetProgress;
  /** A dry run's first candidates, oldest first (at most MAX_REPORTED_RUNS). */
  candidates?: Candidate[];
}

export type ListedState = StopAllLoopState & { request: StopAllRequest; ledger: LedgerRef; listing: ListingFacts; progress: FleetProgress };

/** A run a dry run would signal (or take in). */
export interface Candidate {
  pipelineName: string;
  pipelineExecutionArn: string;
  status: 'Executing' | 'Stopping';
  startedAt: string | null;
  ageSeconds: number | null;
}

/** One run in the report: how it ended, or why it did not. */
export interface RunReport {
  pipelineExecutionArn: string;
  pipelineName: string;
  /** Signalled: our stop was accepted (this stop-all counts it). TakenIn: another stop was draining it. EndedFirst: it ended before any stop. */
  origin: 'Signalled' | 'TakenIn' | 'EndedFirst';
  /** Its own reason, when its pipeline's tags chose it (the runaway guard): the tag named. */
  reason?: string;
  succeeded: boolean;
  outcome?: string;
  finalStatus: ExecutionStatus;
  /** The named failure (PipelineExecutionFailed, DrainTimedOut, StopRejected, ...) and its sentence. */
  error?: string;
  cause?: string;
  /** Seconds from its drain start to its noticed end (or to the deadline). */
  drainSeconds: number | null;
  /** Its failed or still-draining steps. */
  steps?: StepView[];
  /** What may still run behind it (a run that ended Failed), and what was done. */
  leftovers?: Array<Pick<Leftover, 'stepName' | 'kind' | 'resource' | 'action'>>;
}

/** The stop-all output document. */
export interface StopAllSummary {
  /** What was selected: the pipeline name, the names, or the pattern. */
  pipelineName: string;
  dryRun: boolean;
  /** Where the full ledger is (every run, with its signal and end): s3://bucket/key. */
  ledger: string | null;
  listedAt: string;
  finishedAt: string;
  pipelines: number;
  scanComplete: boolean;
  tooRecent: number;
  omitted: number;
  byPipeline: PipelineCount[];
  /** The runaway guard's: what each pipeline's tags decided, with the tag. */
  policies?: PolicyDecision[];
  selected: number;
  signalled: number;
  takenIn: number;
  /** Runs that ended well (an outcome) and runs that did not (a named failure). */
  succeeded: number;
  /** Of the runs that ended well, those this stop-all signalled: the runs it counts as its own. */
  succeededSignalled: number;
  failed: number;
  /** Per outcome (Stopped, AlreadyStopped, CompletedBeforeStop, AlreadyFailed). */
  outcomes: Record<string, number>;
  /** Per named failure. */
  errors: Record<string, number>;
  /** Per final status (and Executing/Stopping for runs still draining). */
  finalStatuses: Record<string, number>;
  /** Callback steps force-released. */
  released: number;
  /** What the runs that ended Failed left behind: jobs still running (stopped unless stopLeftoverJobs is false), timed-out Lambda functions. */
  leftovers: number;
  /** Seconds from the listing to the last signal, and to the last end noticed. */
  secondsToLastSignal: number | null;
  secondsToLastEnd: number | null;
  /** The runs that did not end well first (Failed, still draining, errors), then the rest; at most MAX_REPORTED_RUNS. */
  runs: RunReport[];
  runsOmitted: number;
  /** The longest drains, longest first. */
  slowestDrains: Array<{ pipelineExecutionArn: string; drainSeconds: number; finalStatus: ExecutionStatus }>;
  /** SageMaker calls by operation, the listing's included, and the most of each in one second (at most signalRatePerSecond). */
  sageMakerCalls: Record<string, number>;
  peakCallsPerSecond: Record<string, number>;
  /** A dry run's candidates, oldest first (at most MAX_REPORTED_RUNS), and how many there are. */
  wouldStop: Candidate[];
  wouldStopCount: number;
}

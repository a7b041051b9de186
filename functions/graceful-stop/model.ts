/** The state document the graceful-stop state machine carries between its steps. */

export const EXECUTION_STATUSES = ['Executing', 'Stopping', 'Stopped', 'Failed', 'Succeeded'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['Stopped', 'Failed', 'Succeeded'];

export type StepStatus = 'Starting' | 'Executing' | 'Stopping' | 'Stopped' | 'Failed' | 'Succeeded';
/** Step statuses that mean "still running": a stop waits for these to drain. */
export const DRAINING_STEP_STATUSES: readonly string[] = ['Starting', 'Executing', 'Stopping'];

/** The validated, normalised input of one graceful stop. */
export interface StopRequest {
  pipelineExecutionArn: string;
  pipelineName: string;
  reason?: string;
  maxWaitSeconds: number;
  failIfNotRunning: boolean;
  releaseCallbacksAfterSeconds?: number;
}

export interface StopRecord {
  requestedAt: string;
  deadlineAt: string;
  /** False when SageMaker said the execution was no longer Executing. */
  accepted: boolean;
  /** The status seen when the stop was not accepted. */
  statusAtStop?: ExecutionStatus;
}

/** One pipeline step as reported: never a full callback token. */
export interface StepView {
  name: string;
  type: string;
  status: string;
  startedAt?: string;
  endedAt?: string;
  failureReason?: string;
  /** Last characters of the callback token, masked. */
  callbackToken?: string;
}

export interface CheckRecord {
  checkedAt: string;
  status: ExecutionStatus;
  failureReason?: string;
  steps: StepView[];
  /** Steps omitted from `steps` to keep the state document bounded. */
  stepsOmitted: number;
  draining: StepView[];
  nextWaitSeconds: number;
  deadlinePassed: boolean;
  releaseDue: boolean;
  /** DescribePipelineExecution calls made so far by this graceful stop. */
  polls: number;
  waitedSeconds: number;
}

export interface ReleasedStep {
  stepName: string;
  releasedAt: string;
  callbackToken: string;
  /** AlreadyClosed: the consumer (or SageMaker) closed the token before the release landed. */
  result: 'Released' | 'AlreadyClosed';
}

/** What a Catch adds: Step Functions' error name and cause. */
export interface CaughtFailure {
  Error: string;
  Cause?: string;
}

/** How a graceful stop ends well. */
export const OUTCOMES = ['Stopped', 'AlreadyStopped', 'CompletedBeforeStop', 'AlreadyFailed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The output document of a graceful stop (the contract in docs/contracts.md). */
export interface OutputDocument {
  pipelineExecutionArn: string;
  pipelineName: string;
  outcome: Outcome | null;
  finalStatus: ExecutionStatus | null;
  failureReason?: string;
  stopRequestedAt: string | null;
  finishedAt: string;
  waitedSeconds: number;
  polls: number;
  steps: StepView[];
  releasedCallbackSteps: ReleasedStep[];
  reason?: string;
}

export interface ReportedResult {
  /** Absent on success; otherwise the named failure. */
  error?: string;
  cause?: string;
  document: OutputDocument;
}

export interface GracefulStopState {
  raw: unknown;
  executionId: string;
  /** When the Step Functions execution started ($$.Execution.StartTime): the deadline of the stop request itself. */
  startedAt?: string;
  request?: StopRequest;
  stop?: StopRecord;
  check?: CheckRecord;
  released?: ReleasedStep[];
  failure?: CaughtFailure;
  result?: ReportedResult;
}

/** State after Stop Pipeline Execution succeeded. */
export type StoppedState = GracefulStopState & { request: StopRequest; stop: StopRecord };
/** State after at least one Check Pipeline Execution. */
export type CheckedState = StoppedState & { check: CheckRecord };

/** Our stop was accepted, or another stop of the same execution is already draining it. */
export function stopInEffect(stop: StopRecord): boolean {
  return stop.accepted || stop.statusAtStop === 'Stopping';
}

/**
 * When a step began to drain (epoch ms): at the stop, or when it started if that came later; its start
 * before any stop; undefined when neither is known. "Stopping for N s" counts from here.
 */
export function drainingSince(step: StepView, stopRequestedAtMs: number | undefined): number | undefined {
  const since = Math.max(Date.parse(step.startedAt ?? '') || 0, stopRequestedAtMs ?? 0);
  return since > 0 ? since : undefined;
}

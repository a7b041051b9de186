/** The state document the graceful-stop state machine carries between its steps. */

import type { ExecutionStatus, Outcome, ReleasedStep, StepView } from '#pipeline-runs/pipeline-execution.js';
import type { JobReport, Leftover, LeftoverCheck } from '#pipeline-runs/leftovers.js';

export {
  DRAINING_STEP_STATUSES,
  drainingSince,
  EXECUTION_STATUSES,
  OUTCOMES,
  TERMINAL_STATUSES,
  type ExecutionStatus,
  type Outcome,
  type ReleasedStep,
  type StepStatus,
  type StepView,
} from '#pipeline-runs/pipeline-execution.js';

/** The validated, normalised input of one graceful stop. */
export interface StopRequest {
  pipelineExecutionArn: string;
  pipelineName: string;
  reason?: string;
  maxWaitSeconds: number;
  failIfNotRunning: boolean;
  /**
   * The run is already Stopping by someone else's stop (the stop watch sets this): drain, release
   * and report it without a second StopPipelineExecution.
   */
  drainOnly?: boolean;
  releaseCallbacksAfterSeconds?: number;
  /** False: a job still running after the run ended is reported, not stopped (absent: true). */
  stopLeftoverJobs?: false;
}

export interface StopRecord {
  requestedAt: string;
  deadlineAt: string;
  /** False when SageMaker said the execution was no longer Executing. */
  accepted: boolean;
  /** The status seen when the stop was not accepted. */
  statusAtStop?: ExecutionStatus;
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

/** What a Catch adds: Step Functions' error name and cause. */
export interface CaughtFailure {
  Error: string;
  Cause?: string;
}

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
  /** The job behind every step and its status when the run had ended (absent when the run did not end). */
  jobs?: JobReport[];
  /** What may still run behind the run, and what was done about it (absent when the run did not end). */
  leftovers?: Leftover[];
  /** Why the jobs could not be checked, when they could not. */
  leftoversUnchecked?: string;
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
  /** After the run ended: its jobs and what it leaves behind (Stop Leftover Jobs). */
  leftoverCheck?: LeftoverCheck;
  /** Stop Leftover Jobs failed past its retries: the stop reports without it. */
  leftoverFailure?: CaughtFailure;
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

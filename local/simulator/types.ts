/** Shapes shared by the simulator's modules (internal state, not wire formats). */

export type ExecutionStatus = 'Executing' | 'Stopping' | 'Stopped' | 'Failed' | 'Succeeded';
export type StepStatus = 'Starting' | 'Executing' | 'Stopping' | 'Stopped' | 'Failed' | 'Succeeded';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export const isJsonObject = (value: JsonValue | undefined): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export interface NameValue {
  Name: string;
  Value: string;
}

/** The simulator-only `Simulation` block of a step, with defaults applied. */
export interface StepSimulation {
  durationSeconds: number;
  outcome: 'Succeeded' | 'Failed';
  failureReason: string;
  /** Lambda steps only. */
  timeoutSeconds: number;
  /** Job steps (Training, Processing, ...): time from Stopping to Stopped. */
  stopDurationSeconds: number;
  /** Condition steps: the outcome to take instead of evaluating the Conditions. */
  conditionOutcome?: boolean;
  /** A fault: the first this many attempts fail with `failureException` (then the step runs as simulated). */
  failAttempts: number;
  /** The exception type those attempts fail with, e.g. SageMaker.JOB_INTERNAL_ERROR (what RetryPolicies match). */
  failureException: string;
  /** A fault: the step's job keeps running this long after the step ended (0: it ends with the step). */
  jobOutlivesStepSeconds: number;
}

/** One of a step's RetryPolicies: SageMaker retries an attempt that failed with one of its exception types. */
export interface RetryPolicy {
  exceptionTypes: string[];
  intervalSeconds: number;
  backoffRate: number;
  /** Attempts in all, the first included (default 5, at most 20). */
  maxAttempts: number;
}

/** The five job kinds a pipeline step runs, by the key SageMaker gives them in a step's Metadata. */
export type JobKind = 'TrainingJob' | 'ProcessingJob' | 'TransformJob' | 'TuningJob' | 'AutoMLJob';
/** SageMaker's job statuses (the five kinds share them). */
export type JobStatus = 'InProgress' | 'Stopping' | 'Stopped' | 'Completed' | 'Failed';

/** A job a step started: it ends with its step, unless a fault keeps it running. */
export interface Job {
  kind: JobKind;
  name: string;
  arn: string;
  status: JobStatus;
  creationTime: number;
  lastModifiedTime: number;
  endTime?: number;
  failureReason?: string;
  roleArn: string;
  /** Seconds a StopXxxJob takes to end it (a training job gets up to 120 s after SIGTERM). */
  stopDurationSeconds: number;
  cancelTimers: () => void;
}

export interface StepDefinition {
  name: string;
  type: string;
  displayName?: string;
  description?: string;
  dependsOn: string[];
  arguments: JsonObject;
  /** Callback steps. */
  sqsQueueUrl?: string;
  /** Lambda steps. */
  functionArn?: string;
  /** The step's RetryPolicies (job and model steps): which exception types are retried, how often, how far apart. */
  retryPolicies: RetryPolicy[];
  /** A step of a Condition step's IfSteps or ElseSteps: it runs only when that condition took its branch. */
  branchOf?: { condition: string; branch: 'If' | 'Else' };
  simulation: StepSimulation;
}

export interface Pipeline {
  name: string;
  arn: string;
  displayName: string;
  description?: string;
  roleArn: string;
  definitionJson: string;
  steps: StepDefinition[];
  parameterDefaults: Record<string, string>;
  /** Each parameter's Type: a step reading an Integer parameter gets a number, a Boolean one true or false. */
  parameterTypes: Record<string, 'String' | 'Integer' | 'Float' | 'Boolean'>;
  clientRequestToken: string;
  creationTime: number;
  lastModifiedTime: number;
  lastRunTime?: number;
  /** Its tags (CreatePipeline's Tags, AddTags, DeleteTags). */
  tags?: Array<{ Key: string; Value: string }>;
}

export interface StepRun {
  definition: StepDefinition;
  /** Start order within the execution; the stable key for listing and paging. */
  sequence: number;
  status: StepStatus;
  startTime: number;
  endTime?: number;
  failureReason?: string;
  callbackToken?: string;
  outputParameters?: NameValue[];
  jobArn?: string;
  /** The job behind the step, for the five job kinds (and the check steps' processing jobs). */
  job?: Job;
  /** A Condition step's result: which branch runs. */
  conditionOutcome?: boolean;
  /** Attempts so far (1, then more through its RetryPolicies). */
  attemptCount: number;
  /** Cancels whatever timers the step still has pending. */
  cancelTimers: () => void;
  /** Serialises the SQS messages of a callback step so "Stopping" never overtakes "Executing". */
  delivery: Promise<void>;
}

/** Executing or Stopping: counts against the account's quota, and keeps its pipeline from being deleted. */
export const isRunningExecution = (execution: Pick<Execution, 'status'>): boolean =>
  execution.status === 'Executing' || execution.status === 'Stopping';

export interface Execution {
  arn: string;
  id: string;
  pipeline: Pipeline;
  sequence: number;
  displayName: string;
  description?: string;
  status: ExecutionStatus;
  failureReason?: string;
  creationTime: number;
  lastModifiedTime: number;
  definitionJson: string;
  parameters: Record<string, string>;
  clientRequestToken: string;
  steps: Map<string, StepRun>;
  stopClientRequestTokens: Set<string>;
  /** Set when a Lambda step times out during a stop: the run then ends Failed, not Stopped. */
  stopFailureReason?: string;
  /** Set once the pipeline is deleted: late timers and SQS replies must not touch it. */
  discarded: boolean;
  /** A step failed: no more steps start, and the run ends Failed when the running ones finish. */
  stepFailed?: boolean;
  /** Step transitions under way: steps whose parents finished, not yet started (see PipelineEngine.isBetweenSteps). */
  transitionsPending?: number;
}

/**
 * What can go wrong with a run, by name: each `name` is the `Error` Step Functions sees, so the ASL
 * routes it with `Retry`/`Catch`, and NAMED_FAILURES are the names a graceful stop ends with.
 */
import { NamedError } from '#commons/errors.js';

/** SageMaker does not know the pipeline execution (or it was deleted mid-run). */
export class PipelineExecutionNotFound extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('PipelineExecutionNotFound', message, cause);
  }
}

/** drainOnly for a run that is still Executing: nobody is stopping it, so there is nothing to drain. */
export class PipelineExecutionNotStopping extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('PipelineExecutionNotStopping', message, cause);
  }
}

/** SageMaker does not know the pipeline (stop-all was given a name that does not exist). */
export class PipelineNotFound extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('PipelineNotFound', message, cause);
  }
}

/** SageMaker gave no usable answer (timeouts, resets, server errors, throttling) until the deadline passed. */
export class SageMakerUnavailable extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('SageMakerUnavailable', message, cause);
  }
}

/** Error names the graceful stop ends with (the Fail state's `Error`). */
export const NAMED_FAILURES = [
  'InvalidInput',
  'PipelineExecutionNotFound',
  'PipelineExecutionFailed',
  'PipelineExecutionNotRunning',
  'PipelineExecutionNotStopping',
  'DrainTimedOut',
  'SageMakerUnavailable',
] as const;
export type NamedFailure = (typeof NAMED_FAILURES)[number];

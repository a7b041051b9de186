/**
 * Named errors. Each `name` is what Step Functions sees as the `Error` of a
 * failed Lambda task, so the ASL routes them with `Retry`/`Catch` by name.
 */
export abstract class NamedError extends Error {
  constructor(name: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
  }
}

/** The state machine input (or a message, flag or request) is malformed. */
export class InvalidInput extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('InvalidInput', message, cause);
  }
}

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

/** A required environment variable is missing or malformed: a deployment bug. */
export class ConfigurationError extends NamedError {
  constructor(message: string) {
    super('ConfigurationError', message);
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

/** True when `error` is an AWS SDK (or Lambda) error with the given name. */
export function isErrorNamed(error: unknown, ...names: string[]): error is Error {
  return error instanceof Error && names.includes(error.name);
}

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

/** A required environment variable is missing or malformed: a deployment bug. */
export class ConfigurationError extends NamedError {
  constructor(message: string) {
    super('ConfigurationError', message);
  }
}

/** True when `error` is an AWS SDK (or Lambda) error with the given name. */
export function isErrorNamed(error: unknown, ...names: string[]): error is Error {
  return error instanceof Error && names.includes(error.name);
}

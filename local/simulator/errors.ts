import { NamedError } from '#commons/errors.js';

/** An error SageMaker would answer with: `{"__type": code, "message": ...}` and an HTTP status. */
export class SageMakerError extends NamedError {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(code, message);
  }
}

export function validationError(message: string): SageMakerError {
  return new SageMakerError('ValidationException', message);
}

/** A body or member an AWS JSON service cannot deserialize (malformed JSON, a member of the wrong type). */
export function serializationError(message: string): SageMakerError {
  return new SageMakerError('SerializationException', message);
}

/** SageMaker's not-found error has no `Exception` suffix. */
export function resourceNotFound(message: string): SageMakerError {
  return new SageMakerError('ResourceNotFound', message);
}

/** An account quota would be exceeded: the request is refused, nothing is created. */
export function resourceLimitExceeded(message: string): SageMakerError {
  return new SageMakerError('ResourceLimitExceeded', message);
}

/** What SageMaker answers an operation that conflicts with the resource's state (HTTP 400). */
export function conflict(message: string): SageMakerError {
  return new SageMakerError('ConflictException', message);
}

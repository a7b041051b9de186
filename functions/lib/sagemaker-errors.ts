import { isErrorNamed } from './errors.js';

/** SageMaker's answer to stopping an execution that is no longer Executing. */
const NOT_EXECUTING = "Only pipelines with 'Executing' status can be stopped";

export function isNotExecutingError(error: unknown): boolean {
  return isErrorNamed(error, 'ValidationException') && (error as Error).message.includes(NOT_EXECUTING);
}

/** Unknown ARN: SageMaker names it ResourceNotFound (no Exception suffix). */
export function isNotFoundError(error: unknown): boolean {
  return isErrorNamed(error, 'ResourceNotFound', 'ResourceNotFoundException');
}

import { PipelineExecutionNotFound, isErrorNamed } from './errors.js';

/** SageMaker's answer to stopping an execution that is no longer Executing. */
const NOT_EXECUTING = "Only pipelines with 'Executing' status can be stopped";

export function isNotExecutingError(error: unknown): boolean {
  return isErrorNamed(error, 'ValidationException') && (error as Error).message.includes(NOT_EXECUTING);
}

/** Unknown ARN: SageMaker names it ResourceNotFound (no Exception suffix). */
export function isNotFoundError(error: unknown): boolean {
  return isErrorNamed(error, 'ResourceNotFound', 'ResourceNotFoundException');
}

/** SageMaker's answers for a callback token that was already answered or whose step ended: nothing left to do. */
export function isClosedTokenError(error: unknown): boolean {
  return isErrorNamed(error, 'ValidationException', 'ConflictException', 'ResourceNotFound', 'ResourceNotFoundException');
}

/** After the stop was requested: a not-found error means the execution vanished mid-run; other errors pass through. */
export function notFoundMidRun(pipelineExecutionArn: string, error: unknown): unknown {
  return isNotFoundError(error)
    ? new PipelineExecutionNotFound(
        `SageMaker no longer knows pipeline execution ${pipelineExecutionArn} (was the pipeline deleted?).`,
        error,
      )
    : error;
}

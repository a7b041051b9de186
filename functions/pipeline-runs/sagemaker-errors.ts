import { PipelineExecutionNotFound, SageMakerUnavailable } from './errors.js';
import { isErrorNamed } from '#commons/errors.js';
import { isTransientError } from '#commons/service-errors.js';
import { clip } from '#commons/text.js';

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
export function notFoundMidRun(pipelineExecutionArn: string, error: unknown, polls?: number): unknown {
  return isNotFoundError(error)
    ? new PipelineExecutionNotFound(
        `SageMaker no longer knows pipeline execution ${pipelineExecutionArn} (was the pipeline deleted?)${pollsSaid(polls)}.`,
        error,
      )
    : error;
}

export interface DeadlineContext {
  /** What was asked of SageMaker, for the sentence ("DescribePipelineExecution"). */
  operation: string;
  pipelineExecutionArn: string;
  /** The deadline, and the seconds spent so far (the clock's, which a local time scale compresses). */
  maxWaitSeconds: number;
  elapsedSeconds: number;
  /** DescribePipelineExecution calls made so far by this graceful stop, when known. */
  polls?: number;
}

/**
 * ", after N poll(s)": a Lambda error reaches the report as its name and message only, so the polls
 * a failing check made travel in the sentence (the report reads them back with POLLS_SAID).
 */
const pollsSaid = (polls: number | undefined): string => (polls === undefined ? '' : `, after ${polls} poll(s)`);
export const POLLS_SAID = /, after (\d+) poll\(s\)/;

/**
 * A transient error once the deadline has passed becomes SageMakerUnavailable,
 * a named failure: retrying it would carry the graceful stop past its
 * deadline. Before the deadline it is returned as it is, for the ASL Retry.
 */
export function unavailableAfterDeadline(error: unknown, context: DeadlineContext): unknown {
  if (!isTransientError(error) || context.elapsedSeconds < context.maxWaitSeconds) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new SageMakerUnavailable(
    `SageMaker gave no usable answer to ${context.operation} for ${context.pipelineExecutionArn} (${name}: ${clip(message, 200)}) and the ${context.maxWaitSeconds} s deadline has passed (${Math.round(context.elapsedSeconds)} s${pollsSaid(context.polls)}); the execution's state is unknown, check it in the SageMaker console.`,
    error,
  );
}

/**
 * Answers to a callback step: acknowledge a stop (SendPipelineExecutionStepFailure, which lets a
 * Stopping run end) or succeed the step, each with a token derived from the callback token, so a
 * message delivered twice sends the same request. A token never leaves here unmasked.
 * Exported for users' own consumers.
 */
import {
  SendPipelineExecutionStepFailureCommand,
  SendPipelineExecutionStepSuccessCommand,
  type OutputParameter,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { logger as defaultLogger } from '#commons/logger.js';
import { clip } from '#commons/text.js';
import { deriveClientRequestToken, maskToken } from '#commons/tokens.js';
import { isClosedTokenError } from '#pipeline-runs/sagemaker-errors.js';
import { MAX_FAILURE_REASON_LENGTH, describe, isStopping, redactToken, type CallbackMessage } from './callback-message.js';

/** What an answer to a callback token did. */
export type AcknowledgeResult = 'Acknowledged' | 'AlreadyClosed';

/** A user-supplied hook that releases what the step's job holds (cancel a job, free a lock...). Must be idempotent. */
export type CleanupHook = (message: CallbackMessage) => Promise<void> | void;

/** The subset of a logger the helpers use (Powertools Logger, console...). */
export interface CallbackLogger {
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
}

export interface AcknowledgeStopOptions {
  sagemaker: SageMakerClient;
  /** Runs before the acknowledgement; if it throws, nothing is acknowledged and the error propagates. */
  cleanup?: CleanupHook;
  /** Why the step ended; goes into FailureReason (the whole reason is cut to 256 characters). */
  reason?: string;
  /** Defaults to the project's Powertools logger. */
  logger?: CallbackLogger;
}

export interface SucceedCallbackOptions {
  sagemaker: SageMakerClient;
  outputParameters?: OutputParameter[];
  logger?: CallbackLogger;
}

/** SageMaker's answers for a token that was already answered or whose step ended: nothing left to do. */
export { isClosedTokenError };

/** The FailureReason recorded for a step whose consumer acknowledged the stop (at most 256 characters). */
export function stopFailureReason(reason?: string): string {
  const text = `Stopped: the consumer acknowledged the Stopping message after its cleanup${reason ? `: ${reason}` : ''}`;
  return clip(text, MAX_FAILURE_REASON_LENGTH);
}

/** ClientRequestTokens (64 hex chars) derived from the callback token: the same message always sends the same one. */
export const stopAcknowledgementRequestToken = (token: string): string => deriveClientRequestToken(token, 'consumer-stop-ack');
export const successRequestToken = (token: string): string => deriveClientRequestToken(token, 'consumer-success');

async function answer(
  message: CallbackMessage,
  send: () => Promise<unknown>,
  logger: CallbackLogger,
  action: string,
): Promise<AcknowledgeResult> {
  try {
    await send();
    return 'Acknowledged';
  } catch (error) {
    if (!isClosedTokenError(error)) throw error;
    logger.info(`${action}: the callback token was already closed; treated as done`, {
      callbackToken: maskToken(message.token),
      pipelineExecutionArn: message.pipelineExecutionArn,
      sageMakerError: (error as Error).name,
      sageMakerMessage: redactToken((error as Error).message ?? '', message.token).slice(0, 300),
    });
    return 'AlreadyClosed';
  }
}

/**
 * Answers a Stopping message: runs the cleanup hook, then calls
 * SendPipelineExecutionStepFailure with a deterministic ClientRequestToken,
 * so SageMaker can finish stopping the execution. A token that SageMaker has
 * already closed (the step was answered or released) gives `AlreadyClosed`.
 */
export async function acknowledgeStop(message: CallbackMessage, options: AcknowledgeStopOptions): Promise<AcknowledgeResult> {
  if (!isStopping(message)) {
    throw new RangeError(`acknowledgeStop expects a Stopping message; this one is ${describe(message.status)}.`);
  }
  const logger = options.logger ?? defaultLogger;
  if (options.cleanup) await options.cleanup(message);
  return answer(
    message,
    () =>
      options.sagemaker.send(
        new SendPipelineExecutionStepFailureCommand({
          CallbackToken: message.token,
          FailureReason: stopFailureReason(options.reason),
          ClientRequestToken: stopAcknowledgementRequestToken(message.token),
        }),
      ),
    logger,
    'Stop acknowledgement',
  );
}

/**
 * Answers an Executing message at once with SendPipelineExecutionStepSuccess
 * (deterministic ClientRequestToken; a closed token gives `AlreadyClosed`).
 */
export async function succeedCallbackStep(message: CallbackMessage, options: SucceedCallbackOptions): Promise<AcknowledgeResult> {
  const logger = options.logger ?? defaultLogger;
  return answer(
    message,
    () =>
      options.sagemaker.send(
        new SendPipelineExecutionStepSuccessCommand({
          CallbackToken: message.token,
          ClientRequestToken: successRequestToken(message.token),
          ...(options.outputParameters ? { OutputParameters: options.outputParameters } : {}),
        }),
      ),
    logger,
    'Step success',
  );
}

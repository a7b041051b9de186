import { SendPipelineExecutionStepFailureCommand, type PipelineExecutionStep, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Clock } from '#commons/clock.js';
import type { ReleasedStep } from './pipeline-execution.js';
import { callbackTokenOf, isReleasable } from './pipeline-steps.js';
import { isClosedTokenError } from './sagemaker-errors.js';
import { clip } from '#commons/text.js';
import { deriveClientRequestToken, maskToken } from '#commons/tokens.js';

export const MAX_FAILURE_REASON_LENGTH = 256;

/** The FailureReason SageMaker records for a force-released callback step (at most 256 chars). */
export function releaseFailureReason(reason: string | undefined, graceSeconds: number): string {
  const why = reason ? `: ${reason}` : '';
  return clip(
    `Released by graceful stop after ${graceSeconds} s without an answer to the Stopping message${why}`,
    MAX_FAILURE_REASON_LENGTH,
  );
}

export interface CallbackRelease {
  /** Passed on in the FailureReason. */
  reason?: string;
  graceSeconds: number;
  /** What makes each release's ClientRequestToken this stop's own (its Step Functions execution id). */
  requestKey: string;
  /** Step names this stop already released: never released twice. */
  alreadyReleased: ReadonlySet<string>;
  /** Awaited before each SendPipelineExecutionStepFailure: a loop over many runs paces its calls here. */
  pace?: () => Promise<void>;
  /** Turns a failed call into the caller's error (the call is named); the error as thrown by default. */
  mapError?: (operation: string, error: unknown) => unknown;
}

/**
 * Fails every releasable callback step of `steps` (freshly listed: tokens are read, never kept)
 * with SendPipelineExecutionStepFailure, so SageMaker can finish the stop. A token the consumer or
 * SageMaker already closed is AlreadyClosed, not an error. Returns what it released, tokens masked.
 * The graceful stop of one run and stop-all's sweep both release through here.
 */
export async function releaseCallbackStepsOf(
  sagemaker: SageMakerClient,
  steps: readonly PipelineExecutionStep[],
  release: CallbackRelease,
  clock: Clock,
): Promise<ReleasedStep[]> {
  const released: ReleasedStep[] = [];
  for (const step of steps) {
    const token = callbackTokenOf(step);
    if (!token || !isReleasable(step, release.alreadyReleased)) continue;
    let result: ReleasedStep['result'] = 'Released';
    await release.pace?.();
    try {
      await sagemaker.send(
        new SendPipelineExecutionStepFailureCommand({
          CallbackToken: token,
          FailureReason: releaseFailureReason(release.reason, release.graceSeconds),
          ClientRequestToken: deriveClientRequestToken(`${release.requestKey}:${token}`, 'release'),
        }),
      );
    } catch (error) {
      // The consumer answered first, or SageMaker closed the step: nothing left to do.
      if (!isClosedTokenError(error)) throw release.mapError ? release.mapError('SendPipelineExecutionStepFailure', error) : error;
      result = 'AlreadyClosed';
    }
    released.push({
      stepName: step.StepName ?? '',
      releasedAt: new Date(clock.now()).toISOString(),
      callbackToken: maskToken(token),
      result,
    });
  }
  return released;
}

import { SendPipelineExecutionStepFailureCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Clock } from '#commons/clock.js';
import { isClosedTokenError, notFoundMidRun, unavailableAfterDeadline } from '#commons/sagemaker-errors.js';
import type { CheckedState, ReleasedStep, StopRequest } from './model.js';
import { callbackTokenOf, isReleasable, listAllSteps } from './pipeline-steps.js';
import { clip } from '#commons/text.js';
import { deriveClientRequestToken, maskToken } from '#commons/tokens.js';

export const MAX_FAILURE_REASON_LENGTH = 256;

export interface ReleaseDependencies {
  sagemaker: SageMakerClient;
  clock: Clock;
}

/** The FailureReason SageMaker records for a force-released callback step (at most 256 chars). */
export function releaseFailureReason(request: StopRequest, graceSeconds: number): string {
  const why = request.reason ? `: ${request.reason}` : '';
  const text = `Released by graceful stop after ${graceSeconds} s without an answer to the Stopping message${why}`;
  return clip(text, MAX_FAILURE_REASON_LENGTH);
}

/**
 * Fails every callback step still draining after the grace period with
 * SendPipelineExecutionStepFailure, so SageMaker can finish the stop.
 * Reads tokens fresh from ListPipelineExecutionSteps; never logs or returns them in full.
 */
export async function releaseCallbackSteps(state: CheckedState, deps: ReleaseDependencies): Promise<CheckedState> {
  const { request } = state;
  const grace = request.releaseCallbacksAfterSeconds ?? 0;
  const already = new Set((state.released ?? []).map((released) => released.stepName));
  const failure = (operation: string, error: unknown): unknown =>
    unavailableAfterDeadline(notFoundMidRun(request.pipelineExecutionArn, error), {
      operation,
      pipelineExecutionArn: request.pipelineExecutionArn,
      maxWaitSeconds: request.maxWaitSeconds,
      elapsedSeconds: deps.clock.secondsSince(state.stop.requestedAt),
    });
  const steps = await listAllSteps(deps.sagemaker, request.pipelineExecutionArn).catch((error: unknown) => {
    throw failure('ListPipelineExecutionSteps', error);
  });
  const released: ReleasedStep[] = [...(state.released ?? [])];
  for (const step of steps) {
    const token = callbackTokenOf(step);
    if (!token || !isReleasable(step, already)) continue;
    const name = step.StepName ?? '';
    let result: ReleasedStep['result'] = 'Released';
    try {
      await deps.sagemaker.send(
        new SendPipelineExecutionStepFailureCommand({
          CallbackToken: token,
          FailureReason: releaseFailureReason(request, grace),
          ClientRequestToken: deriveClientRequestToken(`${state.executionId}:${token}`, 'release'),
        }),
      );
    } catch (error) {
      // The consumer answered first, or SageMaker closed the step: nothing left to do.
      if (!isClosedTokenError(error)) throw failure('SendPipelineExecutionStepFailure', error);
      result = 'AlreadyClosed';
    }
    released.push({
      stepName: name,
      releasedAt: new Date(deps.clock.now()).toISOString(),
      callbackToken: maskToken(token),
      result,
    });
  }
  return { ...state, released };
}

import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { releaseCallbackStepsOf } from '#pipeline-runs/callback-release.js';
import type { Clock } from '#commons/clock.js';
import { listAllSteps } from '#pipeline-runs/pipeline-steps.js';
import { notFoundMidRun, unavailableAfterDeadline } from '#pipeline-runs/sagemaker-errors.js';
import type { CheckedState } from './model.js';

export { MAX_FAILURE_REASON_LENGTH } from '#pipeline-runs/callback-release.js';

export interface ReleaseDependencies {
  sagemaker: SageMakerClient;
  clock: Clock;
}

/**
 * Fails every callback step still draining after the grace period with
 * SendPipelineExecutionStepFailure, so SageMaker can finish the stop.
 * Reads tokens fresh from ListPipelineExecutionSteps; never logs or returns them in full.
 */
export async function releaseCallbackSteps(state: CheckedState, deps: ReleaseDependencies): Promise<CheckedState> {
  const { request } = state;
  const mapError = (operation: string, error: unknown): unknown =>
    unavailableAfterDeadline(notFoundMidRun(request.pipelineExecutionArn, error), {
      operation,
      pipelineExecutionArn: request.pipelineExecutionArn,
      maxWaitSeconds: request.maxWaitSeconds,
      elapsedSeconds: deps.clock.secondsSince(state.stop.requestedAt),
    });
  const steps = await listAllSteps(deps.sagemaker, request.pipelineExecutionArn).catch((error: unknown) => {
    throw mapError('ListPipelineExecutionSteps', error);
  });
  const fresh = await releaseCallbackStepsOf(
    deps.sagemaker,
    steps,
    {
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      graceSeconds: request.releaseCallbacksAfterSeconds ?? 0,
      requestKey: state.executionId,
      alreadyReleased: new Set((state.released ?? []).map((released) => released.stepName)),
      mapError,
    },
    deps.clock,
  );
  return { ...state, released: [...(state.released ?? []), ...fresh] };
}

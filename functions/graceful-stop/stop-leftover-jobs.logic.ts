/**
 * After the run ended: the job behind every step, its status, and what may still run behind the
 * run (functions/commons/leftovers.ts). A job still InProgress is stopped unless the request says
 * stopLeftoverJobs: false. Steps are read again (every page) for their Metadata.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Clock } from '#commons/clock.js';
import { checkLeftovers } from '#pipeline-runs/leftovers.js';
import { createPacer } from '#commons/pacer.js';
import { listAllSteps } from '#pipeline-runs/pipeline-steps.js';
import type { CheckedState } from './model.js';

/** Describe/Stop job calls a second while checking one run's jobs (the steps' pages are read one after another, at most 50). */
export const LEFTOVER_CALLS_PER_SECOND = 10;

export async function stopLeftoverJobs(state: CheckedState, deps: { sagemaker: SageMakerClient; clock: Clock }): Promise<CheckedState> {
  const pacer = createPacer(LEFTOVER_CALLS_PER_SECOND, deps.clock);
  const pace = () => pacer.take();
  const steps = await listAllSteps(deps.sagemaker, state.request.pipelineExecutionArn);
  const releasedStepNames = new Set(
    (state.released ?? []).filter((released) => released.result === 'Released').map((released) => released.stepName),
  );
  const leftoverCheck = await checkLeftovers(deps.sagemaker, steps, {
    stopLeftoverJobs: state.request.stopLeftoverJobs !== false,
    releasedStepNames,
    pace,
  });
  return { ...state, leftoverCheck };
}

import { createSageMakerClient } from '#commons/clients.js';
import { systemClock } from '#commons/clock.js';
import { logger } from '#commons/logger.js';
import type { CheckedState } from './model.js';
import { releaseCallbackSteps } from './release-callback-steps.logic.js';
import { lambdaHandler } from '#commons/handler.js';

const sagemaker = createSageMakerClient();

export const handler = lambdaHandler(async (event: CheckedState): Promise<CheckedState> => {
  logger.appendKeys({ executionId: event.executionId, pipelineExecutionArn: event.request.pipelineExecutionArn });
  const before = event.released?.length ?? 0;
  const state = await releaseCallbackSteps(event, { sagemaker, clock: systemClock });
  // Masked tokens only: the released list never holds a full callback token.
  logger.info('Callback steps released', { released: state.released?.slice(before) });
  return state;
});

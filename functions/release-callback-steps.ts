import { createSageMakerClient } from './lib/sagemaker-client.js';
import { systemClock } from './lib/clock.js';
import { logger } from './lib/logger.js';
import type { CheckedState } from './lib/model.js';
import { releaseCallbackSteps } from './lib/release.js';

const sagemaker = createSageMakerClient();

export const handler = async (event: CheckedState): Promise<CheckedState> => {
  logger.appendKeys({ executionId: event.executionId, pipelineExecutionArn: event.request.pipelineExecutionArn });
  const before = event.released?.length ?? 0;
  const state = await releaseCallbackSteps(event, { sagemaker, clock: systemClock });
  // Masked tokens only: the released list never holds a full callback token.
  logger.info('Callback steps released', { released: state.released?.slice(before) });
  return state;
};

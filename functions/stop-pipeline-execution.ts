import { createSageMakerClient } from './lib/sagemaker-client.js';
import { optionalIntegerEnv, requireIntegerEnv } from './lib/config.js';
import { systemClock } from './lib/clock.js';
import { MAX_WAIT_SECONDS_LIMIT } from './lib/input.js';
import { logger } from './lib/logger.js';
import type { GracefulStopState, StoppedState } from './lib/model.js';
import { stopPipelineExecution } from './lib/stop.js';

const sagemaker = createSageMakerClient();
const defaults = {
  maxWaitSeconds: requireIntegerEnv('DEFAULT_MAX_WAIT_SECONDS', { min: 1, max: MAX_WAIT_SECONDS_LIMIT }),
  releaseCallbacksAfterSeconds: optionalIntegerEnv('DEFAULT_RELEASE_CALLBACKS_AFTER_SECONDS', {
    min: 0,
    max: MAX_WAIT_SECONDS_LIMIT,
  }),
};

export const handler = async (event: GracefulStopState): Promise<StoppedState> => {
  logger.appendKeys({ executionId: event.executionId });
  const state = await stopPipelineExecution(event, { sagemaker, clock: systemClock, defaults });
  logger.appendKeys({ pipelineExecutionArn: state.request.pipelineExecutionArn });
  logger.info('Stop requested', { accepted: state.stop.accepted, statusAtStop: state.stop.statusAtStop });
  return state;
};

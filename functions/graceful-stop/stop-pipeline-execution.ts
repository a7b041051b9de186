import { createSageMakerClient } from '../commons/clients.js';
import { optionalIntegerEnv, requireIntegerEnv } from '../commons/config.js';
import { systemClock } from '../commons/clock.js';
import { MAX_WAIT_SECONDS_LIMIT } from './stop-request.js';
import { logger } from '../commons/logger.js';
import type { GracefulStopState, StoppedState } from './model.js';
import { stopPipelineExecution } from './stop-pipeline-execution.logic.js';

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

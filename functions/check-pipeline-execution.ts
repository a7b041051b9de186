import { createSageMakerClient } from './lib/sagemaker-client.js';
import { checkPipelineExecution } from './lib/check.js';
import { systemClock } from './lib/clock.js';
import { requireIntegerEnv } from './lib/config.js';
import { logger } from './lib/logger.js';
import type { CheckedState, StoppedState } from './lib/model.js';

const sagemaker = createSageMakerClient();
const config = {
  pollCapSeconds: requireIntegerEnv('POLL_CAP_SECONDS', { min: 1, max: 300 }),
  watchSeconds: requireIntegerEnv('WATCH_SECONDS', { min: 0, max: 600 }),
  pollMinSeconds: requireIntegerEnv('POLL_MIN_SECONDS', { min: 1, max: 300 }),
};

export const handler = async (event: StoppedState): Promise<CheckedState> => {
  logger.appendKeys({ executionId: event.executionId, pipelineExecutionArn: event.request.pipelineExecutionArn });
  const state = await checkPipelineExecution(event, { sagemaker, clock: systemClock, config });
  const { status, draining, nextWaitSeconds, deadlinePassed, releaseDue, polls } = state.check;
  logger.info('Pipeline execution checked', {
    status,
    draining: draining.map((step) => ({ name: step.name, type: step.type, status: step.status })),
    nextWaitSeconds,
    deadlinePassed,
    releaseDue,
    polls,
  });
  return state;
};

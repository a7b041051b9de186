import { createSageMakerClient } from '../commons/clients.js';
import { checkPipelineExecution } from './check-pipeline-execution.logic.js';
import { systemClock } from '../commons/clock.js';
import { requireIntegerEnv } from '../commons/config.js';
import { logger } from '../commons/logger.js';
import type { CheckedState, StoppedState } from './model.js';

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

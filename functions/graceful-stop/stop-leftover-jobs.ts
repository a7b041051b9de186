import { createSageMakerClient } from '#commons/clients.js';
import { systemClock } from '#commons/clock.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import type { CheckedState } from './model.js';
import { stopLeftoverJobs } from './stop-leftover-jobs.logic.js';

const sagemaker = createSageMakerClient();

export const handler = lambdaHandler(async (event: CheckedState): Promise<CheckedState> => {
  logger.appendKeys({ executionId: event.executionId, pipelineExecutionArn: event.request.pipelineExecutionArn });
  const state = await stopLeftoverJobs(event, { sagemaker, clock: systemClock });
  const { jobs, leftovers } = state.leftoverCheck ?? { jobs: [], leftovers: [] };
  logger.info('Jobs behind the run checked', { jobs: jobs.length, leftovers });
  metrics.addMetric(METRIC.leftovers, MetricUnit.Count, leftovers.length);
  return state;
});

import { systemClock } from '../commons/clock.js';
import { logger } from '../commons/logger.js';
import { summariseStopAll, type StopAllState, type StopAllSummary } from './summarise-stop-all.logic.js';
import { lambdaHandler } from '../commons/handler.js';

export const handler = lambdaHandler(async (event: StopAllState): Promise<StopAllSummary> => {
  const summary = summariseStopAll(event, systemClock);
  logger.appendKeys({ pipelineName: summary.pipelineName });
  logger.info('Stop-all finished', {
    attempted: summary.attempted,
    succeeded: summary.succeeded,
    failed: summary.failed,
    outcomes: summary.outcomes,
    errors: summary.errors,
    omitted: summary.omitted,
  });
  return summary;
});

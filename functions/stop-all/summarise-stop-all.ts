import { systemClock } from '../commons/clock.js';
import { lambdaHandler } from '../commons/handler.js';
import { logger } from '../commons/logger.js';
import { summariseStopAll, type StopAllBatchResult, type StopAllState } from './summarise-stop-all.logic.js';

export const handler = lambdaHandler(async (event: StopAllState): Promise<StopAllBatchResult> => {
  const result = summariseStopAll(event, systemClock);
  const { totals } = result;
  logger.appendKeys({ selection: totals.pipelineName, dryRun: totals.dryRun });
  logger.info(result.more ? 'Stop-all batch finished' : 'Stop-all finished', {
    batches: totals.batches,
    attempted: totals.attempted,
    succeeded: totals.succeeded,
    failed: totals.failed,
    outcomes: totals.outcomes,
    errors: totals.errors,
    omitted: totals.omitted,
    wouldStop: totals.wouldStopCount,
    more: result.more,
  });
  return result;
});

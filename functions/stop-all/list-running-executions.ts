import { systemClock } from '../commons/clock.js';
import { requireIntegerEnv } from '../commons/config.js';
import { SETTING_BOUNDS } from '../commons/settings.js';
import { listRunningExecutions, MAX_LISTING_PAGES, parseStopAllRequest, type RunningListing } from './list-running-executions.logic.js';
import { logger } from '../commons/logger.js';
import { createSageMakerClient } from '../commons/clients.js';
import { lambdaHandler } from '../commons/handler.js';

const sagemaker = createSageMakerClient();
const limits = {
  maxItems: requireIntegerEnv('STOP_ALL_MAX_EXECUTIONS', SETTING_BOUNDS.STOP_ALL_MAX_EXECUTIONS),
  maxPages: MAX_LISTING_PAGES,
};

export const handler = lambdaHandler(async (event: unknown): Promise<RunningListing> => {
  const request = parseStopAllRequest(event);
  logger.appendKeys({ pipelineName: request.pipelineName });
  const listing = await listRunningExecutions(request, { sagemaker, clock: systemClock, limits });
  logger.info('Running executions listed', {
    running: listing.running,
    toStop: listing.items.length,
    omitted: listing.omitted,
    tooRecent: listing.tooRecent,
    scanned: listing.scanned,
    scanComplete: listing.scanComplete,
  });
  return listing;
});

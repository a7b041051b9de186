import { systemClock } from './lib/clock.js';
import { requireIntegerEnv } from './lib/config.js';
import { listRunningExecutions, MAX_LISTING_PAGES, parseStopAllRequest, type RunningListing } from './lib/list-running.js';
import { logger } from './lib/logger.js';
import { createSageMakerClient } from './lib/sagemaker-client.js';

const sagemaker = createSageMakerClient();
const limits = {
  maxItems: requireIntegerEnv('STOP_ALL_MAX_EXECUTIONS', { min: 1, max: 200 }),
  maxPages: MAX_LISTING_PAGES,
};

export const handler = async (event: unknown): Promise<RunningListing> => {
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
};

import { createSageMakerClient } from '#commons/clients.js';
import { systemClock } from '#commons/clock.js';
import { requireEnv, requireIntegerEnv } from '#commons/config.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { SETTING_BOUNDS } from '#commons/settings.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { BATCH_SIZE, MAX_LISTING_PAGES, listRunningExecutions } from './list-running-executions.logic.js';
import type { RunningListing, StopAllLoopState } from './model.js';
import { selectionOf } from './stop-all-request.js';

const sagemaker = createSageMakerClient();
const limits = {
  maxItems: requireIntegerEnv('STOP_ALL_MAX_EXECUTIONS', SETTING_BOUNDS.STOP_ALL_MAX_EXECUTIONS),
  batchSize: BATCH_SIZE,
  maxPages: MAX_LISTING_PAGES,
};
/** The deployment's PipelineNamePattern: what this stack may stop (its IAM scope). */
const scope = requireEnv('PIPELINE_NAME_PATTERN');

export const handler = lambdaHandler(async (event: StopAllLoopState): Promise<StopAllLoopState & { listing: RunningListing }> => {
  const state = await listRunningExecutions(event, { sagemaker, clock: systemClock, limits, scope });
  const { listing } = state;
  logger.appendKeys({ selection: selectionOf(listing.request), dryRun: listing.request.dryRun });
  logger.info('Running executions listed', {
    pipelines: listing.pipelines,
    running: listing.running,
    batch: listing.items.length,
    remaining: listing.remaining,
    omitted: listing.omitted,
    tooRecent: listing.tooRecent,
    scanned: listing.scanned,
    scanComplete: listing.scanComplete,
  });
  // Found once per stop-all run: on its first batch.
  if (!event.totals) metrics.addMetric(METRIC.stopAllExecutionsFound, MetricUnit.Count, listing.running);
  return state;
});

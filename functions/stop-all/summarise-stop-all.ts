import { systemClock } from '#commons/clock.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { summariseStopAll } from './summarise-stop-all.logic.js';
import type { StopAllBatchResult, StopAllState } from './model.js';

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
  const fresh = event.results ?? [];
  const failed = fresh.filter((item) => 'failure' in item).length;
  metrics.addMetric(METRIC.stopAllExecutionsStopped, MetricUnit.Count, fresh.length - failed);
  metrics.addMetric(METRIC.stopAllExecutionsFailed, MetricUnit.Count, failed);
  if (totals.dryRun) metrics.addMetric(METRIC.stopAllDryRunCandidates, MetricUnit.Count, event.listing.batch.length);
  return result;
});

import { createSageMakerClient } from '#commons/clients.js';
import { systemClock } from '#commons/clock.js';
import { requireEnv, requireIntegerEnv } from '#commons/config.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { SETTING_BOUNDS } from '#commons/settings.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { createLedgerStore, readFleetDefaults } from './fleet-config.js';
import { MAX_LISTING_PAGES, listRunningExecutions } from './list-running-executions.logic.js';
import type { ListedState, StopAllLoopState } from './model.js';
import { selectionOf } from './stop-all-request.js';

const sagemaker = createSageMakerClient();
const ledgers = createLedgerStore();
const defaults = readFleetDefaults();
const limits = {
  maxItems: requireIntegerEnv('STOP_ALL_MAX_EXECUTIONS', SETTING_BOUNDS.STOP_ALL_MAX_EXECUTIONS),
  maxPages: MAX_LISTING_PAGES,
};
/** The deployment's PipelineNamePattern: what this stack may stop (its IAM scope). */
const scope = requireEnv('PIPELINE_NAME_PATTERN');

export const handler = lambdaHandler(async (event: StopAllLoopState): Promise<ListedState> => {
  const state = await listRunningExecutions(event, { sagemaker, ledgers, clock: systemClock, limits, scope, defaults });
  const { listing, progress, request } = state;
  logger.appendKeys({ executionId: event.executionId, selection: selectionOf(request), dryRun: request.dryRun });
  logger.info('Running executions listed', {
    pipelines: listing.pipelines,
    selected: progress.selected,
    toSignal: progress.toSignal,
    takenIn: progress.takenIn,
    omitted: listing.omitted,
    tooRecent: listing.tooRecent,
    scanned: listing.scanned,
    scanComplete: listing.scanComplete,
    ledger: ledgers.location(state.ledger),
  });
  metrics.addMetric(METRIC.stopAllExecutionsFound, MetricUnit.Count, progress.selected);
  return state;
});

import { systemClock } from '#commons/clock.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { createEventBridgeClient } from '#commons/clients.js';
import { requireEnv } from '#commons/config.js';
import { publishEvent } from '#commons/completion-events.js';
import { createLedgerStore } from './fleet-config.js';
import type { ListedState, StopAllSummary } from './model.js';
import { completionEventOf, summariseStopAll } from './summarise-stop-all.logic.js';

const ledgers = createLedgerStore();
const eventBridge = createEventBridgeClient();
/** Empty = completion events disabled. */
const eventBusName = requireEnv('COMPLETION_EVENT_BUS_NAME');

export const handler = lambdaHandler(async (event: ListedState): Promise<StopAllSummary> => {
  const summary = await summariseStopAll(event, { ledgers, clock: systemClock });
  logger.appendKeys({ executionId: event.executionId, selection: summary.pipelineName, dryRun: summary.dryRun });
  logger.info('Stop-all finished', {
    selected: summary.selected,
    signalled: summary.signalled,
    takenIn: summary.takenIn,
    succeeded: summary.succeeded,
    failed: summary.failed,
    outcomes: summary.outcomes,
    errors: summary.errors,
    secondsToLastSignal: summary.secondsToLastSignal,
    secondsToLastEnd: summary.secondsToLastEnd,
    ledger: summary.ledger,
  });
  const published = await publishEvent(completionEventOf(summary, event.executionId), { eventBridge, eventBusName });
  logger.info('Completion event', { published, eventBusName });
  if (summary.dryRun) {
    metrics.addMetric(METRIC.stopAllDryRunCandidates, MetricUnit.Count, summary.wouldStopCount);
    return summary;
  }
  // Each run is counted by the stop-all whose stop SageMaker accepted: runs taken in have their own figure.
  metrics.addMetric(METRIC.stopAllExecutionsSignalled, MetricUnit.Count, summary.signalled);
  metrics.addMetric(METRIC.stopAllExecutionsTakenIn, MetricUnit.Count, summary.takenIn);
  metrics.addMetric(METRIC.stopAllExecutionsStopped, MetricUnit.Count, summary.succeededSignalled);
  metrics.addMetric(METRIC.stopAllExecutionsFailed, MetricUnit.Count, summary.failed);
  metrics.addMetric(METRIC.stopAllExecutionsTimedOut, MetricUnit.Count, summary.errors.DrainTimedOut ?? 0);
  metrics.addMetric(METRIC.callbackStepsReleased, MetricUnit.Count, summary.released);
  if (summary.secondsToLastSignal !== null)
    metrics.addMetric(METRIC.stopAllSecondsToLastSignal, MetricUnit.Seconds, summary.secondsToLastSignal);
  if (summary.secondsToLastEnd !== null) metrics.addMetric(METRIC.stopAllSecondsToLastEnd, MetricUnit.Seconds, summary.secondsToLastEnd);
  const slowest = summary.slowestDrains[0];
  if (slowest) metrics.addMetric(METRIC.stopAllSlowestDrainSeconds, MetricUnit.Seconds, slowest.drainSeconds);
  return summary;
});

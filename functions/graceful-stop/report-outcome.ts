import { systemClock } from '#commons/clock.js';
import { NAMED_FAILURES } from '#pipeline-runs/errors.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { METRIC, MetricUnit, metrics, recordOutcome } from '#commons/metrics.js';
import { OUTCOMES, type GracefulStopState } from './model.js';
import { reportOutcome } from './report-outcome.logic.js';

export const handler = lambdaHandler(async (event: GracefulStopState): Promise<GracefulStopState> => {
  const result = reportOutcome(event, systemClock);
  const { document } = result;
  logger.appendKeys({ executionId: event.executionId, pipelineExecutionArn: document.pipelineExecutionArn });
  logger.info('Graceful stop ended', { outcome: document.outcome, error: result.error, cause: result.cause });
  recordOutcome(document.outcome ?? result.error ?? '', [...OUTCOMES, ...NAMED_FAILURES]);
  if (document.stopRequestedAt) {
    metrics.addMetric(METRIC.drainSeconds, MetricUnit.Seconds, document.waitedSeconds);
    metrics.addMetric(METRIC.polls, MetricUnit.Count, document.polls);
  }
  metrics.addMetric(
    METRIC.callbackStepsReleased,
    MetricUnit.Count,
    document.releasedCallbackSteps.filter((step) => step.result === 'Released').length,
  );
  return { ...event, result };
});

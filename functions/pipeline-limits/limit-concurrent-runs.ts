import type { EventBridgeEvent } from 'aws-lambda';
import { createSageMakerClient, createStepFunctionsClient } from '#commons/clients.js';
import { systemClock } from '#commons/clock.js';
import { requireEnv } from '#commons/config.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { createPacer } from '#commons/pacer.js';
import { limitConcurrentRuns, type LimitReport } from './limit-concurrent-runs.logic.js';

const sfn = createStepFunctionsClient();
const sagemaker = createSageMakerClient();
const gracefulStopStateMachineArn = requireEnv('GRACEFUL_STOP_STATE_MACHINE_ARN');
const pipelineNamePattern = requireEnv('PIPELINE_NAME_PATTERN');
/** SageMaker calls a second, each invocation: ListTags and ListPipelineExecutions share SageMaker's per-account rates. */
const CALLS_PER_SECOND = 5;

export const handler = lambdaHandler(async (event: EventBridgeEvent<string, unknown>): Promise<LimitReport> => {
  const pacer = createPacer(CALLS_PER_SECOND, systemClock);
  const report = await limitConcurrentRuns(event, { sagemaker, sfn, gracefulStopStateMachineArn, pipelineNamePattern, pacer });
  logger.appendKeys({ pipelineName: report.pipelineName, pipelineExecutionArn: report.pipelineExecutionArn });
  const stopping = report.decisions.filter((decision) => decision.action === 'Stopping').length;
  metrics.addMetric(METRIC.pipelineLimitStops, MetricUnit.Count, stopping);
  if (report.problems.length > 0) logger.warn('Policy tags refused', { problems: report.problems });
  logger.info('Concurrent runs looked at', {
    limit: report.limit,
    executing: report.executing,
    decisions: report.decisions,
    skipped: report.skipped,
  });
  return report;
});

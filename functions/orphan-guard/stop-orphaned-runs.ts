import type { EventBridgeEvent } from 'aws-lambda';
import { createSageMakerClient, createStepFunctionsClient } from '#commons/clients.js';
import { systemClock } from '#commons/clock.js';
import { requireEnv } from '#commons/config.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { stopOrphanedRuns, type OrphanReport } from './stop-orphaned-runs.logic.js';

const sfn = createStepFunctionsClient();
const sagemaker = createSageMakerClient();
const gracefulStopStateMachineArn = requireEnv('GRACEFUL_STOP_STATE_MACHINE_ARN');
const pipelineNamePattern = requireEnv('PIPELINE_NAME_PATTERN');

export const handler = lambdaHandler(async (event: EventBridgeEvent<string, unknown>): Promise<OrphanReport> => {
  const report = await stopOrphanedRuns(event, { sfn, sagemaker, clock: systemClock, gracefulStopStateMachineArn, pipelineNamePattern });
  logger.appendKeys({ parentExecutionArn: report.parentExecutionArn });
  const stopping = report.runs.filter((run) => run.action === 'Stopping').length;
  metrics.addMetric(METRIC.orphanGuardStops, MetricUnit.Count, stopping);
  logger.info('Orphaned runs looked at', {
    parentStatus: report.parentStatus,
    stopping,
    runs: report.runs,
    unansweredStarts: report.unansweredStarts,
  });
  return report;
});

import type { EventBridgeEvent } from 'aws-lambda';
import { createStepFunctionsClient } from '#commons/clients.js';
import { requireEnv, requireIntegerEnv } from '#commons/config.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { SETTING_BOUNDS } from '#commons/settings.js';
import { createStopRecords } from '#stop-records/stop-records.js';
import { watchStoppingRun, type WatchResult } from './watch-stopping-run.logic.js';

const sfn = createStepFunctionsClient();
const stopRecords = createStopRecords();
const settings = {
  gracefulStopStateMachineArn: requireEnv('GRACEFUL_STOP_STATE_MACHINE_ARN'),
  pipelineNamePattern: requireEnv('PIPELINE_NAME_PATTERN'),
  graceSeconds: requireIntegerEnv('STOP_WATCH_GRACE_SECONDS', SETTING_BOUNDS.STOP_WATCH_GRACE_SECONDS),
  defaultMaxWaitSeconds: requireIntegerEnv('DEFAULT_MAX_WAIT_SECONDS', SETTING_BOUNDS.DEFAULT_MAX_WAIT_SECONDS),
};

export const handler = lambdaHandler(async (event: EventBridgeEvent<string, unknown>): Promise<WatchResult> => {
  const result = await watchStoppingRun(event, { sfn, stopRecords, settings });
  logger.appendKeys({ pipelineExecutionArn: result.pipelineExecutionArn });
  if (result.watched) metrics.addMetric(METRIC.stopWatchStarts, MetricUnit.Count, 1);
  logger.info(result.watched ? 'Watching a run stopped outside this stack' : 'Not watched', { ...result });
  return result;
});

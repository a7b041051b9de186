import type { EventBridgeEvent } from 'aws-lambda';
import { createStepFunctionsClient } from '#commons/clients.js';
import { systemClock } from '#commons/clock.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { createStopRecords } from '#stop-records/stop-records.js';
import { endWaits, type WakeReport } from './end-waits.logic.js';

const sfn = createStepFunctionsClient();
const stopRecords = createStopRecords();

export const handler = lambdaHandler(async (event: EventBridgeEvent<string, unknown>): Promise<WakeReport> => {
  const report = await endWaits(event, { sfn, stopRecords, clock: systemClock });
  logger.appendKeys({ pipelineExecutionArn: report.pipelineExecutionArn });
  if (report.woken > 0) metrics.addMetric(METRIC.waitsEndedByEvent, MetricUnit.Count, report.woken);
  logger.info('Run ended: waits woken', { ...report });
  return report;
});

import { createSageMakerClient } from '#commons/clients.js';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createAcknowledgementLedger, processCallbackBatch, readConsumerConfig } from './callback-consumer.logic.js';
import { logger } from '#commons/logger.js';
import { lambdaHandler } from '#commons/handler.js';

const sagemaker = createSageMakerClient();
const config = readConsumerConfig();
// Module scope: a warm container remembers the tokens it already answered.
const ledger = createAcknowledgementLedger();

/** Reference consumer of a callback step's SQS queue (ReportBatchItemFailures). */
export const handler = lambdaHandler(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.appendKeys({ executingAction: config.executingAction });
  return processCallbackBatch(event, { sagemaker, config, logger, ledger }, context);
});

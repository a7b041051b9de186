import { createSageMakerClient } from '#commons/clients.js';
import { systemClock } from '#commons/clock.js';
import { logger } from '#commons/logger.js';
import type { GracefulStopState, StoppedState } from './model.js';
import { stopPipelineExecution } from './stop-pipeline-execution.logic.js';
import { readRequestDefaults } from './stop-request.js';
import { lambdaHandler } from '#commons/handler.js';
import { createStopRecords } from '#stop-records/stop-records.js';

const sagemaker = createSageMakerClient();
const defaults = readRequestDefaults();
const stopRecords = createStopRecords();

export const handler = lambdaHandler(async (event: GracefulStopState): Promise<StoppedState> => {
  logger.appendKeys({ executionId: event.executionId });
  const state = await stopPipelineExecution(event, { sagemaker, clock: systemClock, defaults, stopRecords });
  logger.appendKeys({ pipelineExecutionArn: state.request.pipelineExecutionArn });
  logger.info('Stop requested', { accepted: state.stop.accepted, statusAtStop: state.stop.statusAtStop });
  return state;
});

import { systemClock } from '#commons/clock.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { createStopRecords } from '#stop-records/stop-records.js';
import { waitForRunEvents, type WaitRegistered } from './wait-for-run-events.logic.js';

const stopRecords = createStopRecords();

export const handler = lambdaHandler(async (event: { taskToken?: unknown; stopExecutionArn?: unknown }): Promise<WaitRegistered> => {
  logger.appendKeys({ executionId: event.stopExecutionArn });
  return waitForRunEvents(event, { stopRecords, clock: systemClock });
});

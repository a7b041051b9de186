import { systemClock } from '#commons/clock.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { createStopRecords } from '#stop-records/stop-records.js';
import { keepWait, type WaitRegistered } from '#stop-records/waits.js';

const stopRecords = createStopRecords();

export const handler = lambdaHandler(async (event: { taskToken?: unknown; stopExecutionArn?: unknown }): Promise<WaitRegistered> => {
  logger.appendKeys({ spokeExecutionArn: event.stopExecutionArn });
  // The spoke's Stop All Completed event, forwarded to the hub's bus, answers it (end-spoke-waits.ts).
  return keepWait(event, { stopRecords, clock: systemClock });
});

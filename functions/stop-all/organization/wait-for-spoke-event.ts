import { systemClock } from '#commons/clock.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { createStopRecords } from '#stop-records/stop-records.js';
import { waitForSpokeEvent } from './wait-for-spoke-event.logic.js';

const stopRecords = createStopRecords();

export const handler = lambdaHandler(async (event: { taskToken?: unknown; stopExecutionArn?: unknown }): Promise<{ registered: true }> => {
  logger.appendKeys({ spokeExecutionArn: event.stopExecutionArn });
  return waitForSpokeEvent(event, { stopRecords, clock: systemClock });
});

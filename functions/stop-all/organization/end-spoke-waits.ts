import { createStepFunctionsClient } from '#commons/clients.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { createStopRecords } from '#stop-records/stop-records.js';
import { endSpokeWaits, type SpokeWake } from './end-spoke-waits.logic.js';

const sfn = createStepFunctionsClient();
const stopRecords = createStopRecords();

export const handler = lambdaHandler(async (event: unknown): Promise<SpokeWake> => {
  const wake = await endSpokeWaits(event, { sfn, stopRecords });
  logger.info('Spoke stop-all completed', { ...wake });
  return wake;
});

import { createStsClient } from './hub-clients.js';
import { requireEnv } from '#commons/config.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import type { SpokeCheck, StartedSpoke } from './model.js';
import { checkSpokeStopAll } from './check-spoke-stop-all.logic.js';

const sts = createStsClient();
const partition = requireEnv('HUB_PARTITION');

export const handler = lambdaHandler(async (event: { spoke: StartedSpoke; spokeTimeoutSeconds: number }): Promise<SpokeCheck> => {
  logger.appendKeys({ accountId: event.spoke.accountId, region: event.spoke.region, spokeExecutionArn: event.spoke.spokeExecutionArn });
  const check = await checkSpokeStopAll(
    { ...event.spoke, spokeTimeoutSeconds: event.spokeTimeoutSeconds },
    { sts, partition, now: Date.now },
  );
  if (check.done) logger.info('Spoke stop-all ended', { outcome: check.result?.outcome });
  return check;
});

import { createCloudFormationClient, createStsClient } from './hub-clients.js';
import { requireEnv } from '#commons/config.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import type { SpokeTarget, SpokeCheck } from './model.js';
import { startSpokeStopAll } from './start-spoke-stop-all.logic.js';

const sts = createStsClient();
const partition = requireEnv('HUB_PARTITION');
const stackSets = {
  cloudFormation: createCloudFormationClient(),
  prefix: requireEnv('SPOKE_STACK_SET_PREFIX'),
  callAs: requireEnv('SPOKE_STACK_SET_CALL_AS') === 'DELEGATED_ADMIN' ? ('DELEGATED_ADMIN' as const) : ('SELF' as const),
};

export const handler = lambdaHandler(
  async (event: { target: SpokeTarget; organizationStopId: string; stopAll: Record<string, unknown> }): Promise<SpokeCheck> => {
    logger.appendKeys({ executionId: event.organizationStopId, accountId: event.target.accountId, region: event.target.region });
    const started = await startSpokeStopAll(event, { sts, partition, now: Date.now, stackSets });
    logger.info('Spoke stop-all started', { spokeExecutionArn: started.spokeExecutionArn });
    return started;
  },
);

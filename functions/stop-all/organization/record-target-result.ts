import { requireEnv } from '#commons/config.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { createObjectStore } from '#commons/object-store.js';
import type { TargetResult } from './model.js';
import type { IterationResult } from './summarise-organization-stop.logic.js';
import { recordTargetResult } from './target-results.js';

const store = createObjectStore({ bucket: requireEnv('STOP_RECORDS_BUCKET') });

export const handler = lambdaHandler(
  async (event: { organizationStopId: string; iteration: IterationResult }): Promise<{ outcome: TargetResult['outcome'] }> => {
    logger.appendKeys({ executionId: event.organizationStopId, accountId: event.iteration.accountId, region: event.iteration.region });
    const recorded = await recordTargetResult(store, event.organizationStopId, event.iteration);
    logger.info('Target result recorded', recorded);
    return recorded;
  },
);

import { createCloudFormationClient, createOrganizationsClient } from './hub-clients.js';
import { systemClock } from '#commons/clock.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { createPacer } from '#commons/pacer.js';
import type { SpokeTarget } from './model.js';
import { parseOrganizationStopRequest } from './organization-request.js';
import { resolveTargets } from './resolve-targets.logic.js';

const organizations = createOrganizationsClient();
const cloudFormation = createCloudFormationClient();
/** Organizations and CloudFormation's listings: two calls a second, well within their quotas. */
const LISTING_RATE_PER_SECOND = 2;

export interface ResolvedTargets {
  organizationStopId: string;
  dryRun: boolean;
  stopAll: Record<string, unknown>;
  spokeTimeoutSeconds: number;
  targetCount: number;
  targets: SpokeTarget[];
}

export const handler = lambdaHandler(async (event: { raw: unknown; executionId: string }): Promise<ResolvedTargets> => {
  const request = parseOrganizationStopRequest(event.raw);
  const pacer = createPacer(LISTING_RATE_PER_SECOND, systemClock);
  const targets = await resolveTargets(request, { organizations, cloudFormation, pace: () => pacer.take() });
  logger.appendKeys({ executionId: event.executionId });
  logger.info('Organization stop targets', { targets: targets.length, selection: Object.keys(request.targets) });
  return {
    organizationStopId: event.executionId,
    dryRun: request.stopAll.dryRun === true,
    stopAll: request.stopAll,
    spokeTimeoutSeconds: request.spokeTimeoutSeconds,
    targetCount: targets.length,
    targets,
  };
});

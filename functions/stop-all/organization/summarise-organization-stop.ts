import { createEventBridgeClient } from '#commons/clients.js';
import { publishEvent } from '#commons/completion-events.js';
import { requireEnv } from '#commons/config.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { createObjectStore } from '#commons/object-store.js';
import type { OrganizationStopReport, SpokeTarget } from './model.js';
import { ORGANIZATION_STOP_COMPLETED_DETAIL_TYPE, summariseOrganizationStop } from './summarise-organization-stop.logic.js';
import { readTargetResults } from './target-results.js';

const eventBridge = createEventBridgeClient();
/** The hub's bus (empty = no Organization Stop Completed events). */
const eventBusName = requireEnv('HUB_EVENT_BUS_NAME');
const store = createObjectStore({ bucket: requireEnv('STOP_RECORDS_BUCKET') });

export const handler = lambdaHandler(
  async (event: { targets: SpokeTarget[]; dryRun: boolean; organizationStopId: string }): Promise<OrganizationStopReport> => {
    const report = summariseOrganizationStop(await readTargetResults(store, event.organizationStopId, event.targets), event.dryRun);
    logger.appendKeys({ executionId: event.organizationStopId });
    logger.info('Organization stop finished', { targets: report.targets, byOutcome: report.byOutcome, totals: report.totals });
    const { results, ...totals } = report;
    const published = await publishEvent(
      {
        detailType: ORGANIZATION_STOP_COMPLETED_DETAIL_TYPE,
        detail: {
          ...totals,
          executionArn: event.organizationStopId,
          results: results.filter((result) => result.outcome !== 'Completed').slice(0, 20),
        },
        resources: [event.organizationStopId],
      },
      { eventBridge, eventBusName },
    );
    logger.info('Completion event', { published, eventBusName });
    metrics.addMetric(METRIC.organizationStopTargets, MetricUnit.Count, report.targets);
    metrics.addMetric(METRIC.organizationStopTargetsNotCompleted, MetricUnit.Count, report.targets - (report.byOutcome.Completed ?? 0));
    return report;
  },
);

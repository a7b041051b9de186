import { systemClock } from '../commons/clock.js';
import { logger } from '../commons/logger.js';
import type { GracefulStopState } from './model.js';
import { reportOutcome } from './report-outcome.logic.js';
import { lambdaHandler } from '../commons/handler.js';

export const handler = lambdaHandler(async (event: GracefulStopState): Promise<GracefulStopState> => {
  const result = reportOutcome(event, systemClock);
  logger.appendKeys({ executionId: event.executionId, pipelineExecutionArn: result.document.pipelineExecutionArn });
  logger.info('Graceful stop ended', { outcome: result.document.outcome, error: result.error, cause: result.cause });
  return { ...event, result };
});

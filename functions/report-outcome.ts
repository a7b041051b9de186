import { systemClock } from './lib/clock.js';
import { logger } from './lib/logger.js';
import type { GracefulStopState } from './lib/model.js';
import { reportOutcome } from './lib/report.js';

export const handler = async (event: GracefulStopState): Promise<GracefulStopState> => {
  const result = reportOutcome(event, systemClock);
  logger.appendKeys({ executionId: event.executionId, pipelineExecutionArn: result.document.pipelineExecutionArn });
  logger.info('Graceful stop ended', { outcome: result.document.outcome, error: result.error, cause: result.cause });
  return { ...event, result };
};

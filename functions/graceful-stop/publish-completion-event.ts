import { publishCompletionEvent } from './publish-completion-event.logic.js';
import { requireEnv } from '#commons/config.js';
import { logger } from '#commons/logger.js';
import type { GracefulStopState } from './model.js';
import { lambdaHandler } from '#commons/handler.js';
import { createEventBridgeClient } from '#commons/clients.js';

const eventBridge = createEventBridgeClient();
/** Empty = completion events disabled. */
const eventBusName = requireEnv('COMPLETION_EVENT_BUS_NAME');

export const handler = lambdaHandler(async (event: GracefulStopState): Promise<{ published: boolean }> => {
  logger.appendKeys({ executionId: event.executionId });
  const published = await publishCompletionEvent(event, { eventBridge, eventBusName });
  logger.info('Completion event', { published, eventBusName });
  return { published };
});

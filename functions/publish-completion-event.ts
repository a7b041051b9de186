import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { publishCompletionEvent } from './lib/completion-event.js';
import { requireEnv } from './lib/config.js';
import { logger } from './lib/logger.js';
import type { GracefulStopState } from './lib/model.js';

const eventBridge = new EventBridgeClient({});
/** Empty = completion events disabled. */
const eventBusName = requireEnv('COMPLETION_EVENT_BUS_NAME');

export const handler = async (event: GracefulStopState): Promise<{ published: boolean }> => {
  logger.appendKeys({ executionId: event.executionId });
  const published = await publishCompletionEvent(event, { eventBridge, eventBusName });
  logger.info('Completion event', { published, eventBusName });
  return { published };
};

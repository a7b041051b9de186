import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { NamedError } from './errors.js';

/** The source of every event this project publishes (and of the requests its rule listens for). */
export const EVENT_SOURCE = 'sagemaker-pipelines.graceful-stop';

export class CompletionEventNotDelivered extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('CompletionEventNotDelivered', message, cause);
  }
}

export interface CompletionEvent {
  detailType: string;
  detail: Record<string, unknown>;
  /** ARNs the event is about (EventBridge's `resources`). */
  resources?: string[];
}

/**
 * Publishes one event on the deployment's completion bus; a no-op when none is configured (an
 * empty name). Throws CompletionEventNotDelivered when EventBridge refuses the entry.
 */
export async function publishEvent(
  event: CompletionEvent,
  deps: { eventBridge: EventBridgeClient; eventBusName: string },
): Promise<boolean> {
  if (deps.eventBusName === '') return false;
  const response = await deps.eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: deps.eventBusName,
          Source: EVENT_SOURCE,
          DetailType: event.detailType,
          Detail: JSON.stringify(event.detail),
          ...(event.resources && event.resources.length > 0 ? { Resources: event.resources } : {}),
        },
      ],
    }),
  );
  if ((response.FailedEntryCount ?? 0) > 0) {
    const entry = response.Entries?.[0];
    throw new CompletionEventNotDelivered(
      `EventBridge did not accept the completion event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
    );
  }
  return true;
}

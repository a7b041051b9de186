import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CompletionEventNotDelivered, publishEvent } from '#commons/completion-events.js';
import type { GracefulStopState } from './model.js';

export { CompletionEventNotDelivered, EVENT_SOURCE } from '#commons/completion-events.js';
export const COMPLETED_DETAIL_TYPE = 'Graceful Stop Completed';
export const REQUESTED_DETAIL_TYPE = 'Graceful Stop Requested';

/** The event detail: the output document on success, `{error, cause, pipelineExecutionArn}` on a named failure. */
export function completionDetail(state: GracefulStopState): Record<string, unknown> {
  const result = state.result;
  if (!result) throw new CompletionEventNotDelivered('The state has no result to announce; Report Outcome must run first.');
  if (result.error) {
    const { leftovers } = result.document;
    return {
      error: result.error,
      cause: result.cause,
      pipelineExecutionArn: result.document.pipelineExecutionArn,
      ...(leftovers?.length ? { leftovers } : {}),
    };
  }
  return { ...result.document };
}

/** Publishes one completion event; a no-op when no bus is configured. Returns whether it published. */
export async function publishCompletionEvent(
  state: GracefulStopState,
  deps: { eventBridge: EventBridgeClient; eventBusName: string },
): Promise<boolean> {
  if (deps.eventBusName === '') return false;
  const detail = completionDetail(state);
  const arn = state.result?.document.pipelineExecutionArn;
  return publishEvent({ detailType: COMPLETED_DETAIL_TYPE, detail, ...(arn ? { resources: [arn] } : {}) }, deps);
}

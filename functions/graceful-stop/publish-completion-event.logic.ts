import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { GracefulStopState } from './model.js';
import { NamedError } from '#commons/errors.js';

export const EVENT_SOURCE = 'sagemaker-pipelines.graceful-stop';
export const COMPLETED_DETAIL_TYPE = 'Graceful Stop Completed';
export const REQUESTED_DETAIL_TYPE = 'Graceful Stop Requested';

export class CompletionEventNotDelivered extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('CompletionEventNotDelivered', message, cause);
  }
}

/** The event detail: the output document on success, `{error, cause, pipelineExecutionArn}` on a named failure. */
export function completionDetail(state: GracefulStopState): Record<string, unknown> {
  const result = state.result;
  if (!result) throw new CompletionEventNotDelivered('The state has no result to announce; Report Outcome must run first.');
  if (result.error) {
    return { error: result.error, cause: result.cause, pipelineExecutionArn: result.document.pipelineExecutionArn };
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
  const response = await deps.eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: deps.eventBusName,
          Source: EVENT_SOURCE,
          DetailType: COMPLETED_DETAIL_TYPE,
          Detail: JSON.stringify(detail),
          ...(arn ? { Resources: [arn] } : {}),
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

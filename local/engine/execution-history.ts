/** The execution history as GetExecutionHistory shows it: numbered events, and how a Task's resource is named in them. */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

/** How GetExecutionHistory names a Task's resource: `lambda`/`invoke`, `aws-sdk:sagemaker`/`startPipelineExecution`, ... */
export function historyResourceOf(resource: string): { resourceType: string; resource: string } {
  const service = /^arn:[^:]+:states:::(.+)$/.exec(resource)?.[1];
  if (!service) return { resourceType: 'lambda', resource };
  const at = service.lastIndexOf(':');
  return at < 0 ? { resourceType: service, resource: '' } : { resourceType: service.slice(0, at), resource: service.slice(at + 1) };
}

/** Appends events to `history`, numbered as Step Functions numbers them; returns the new event's id. */
export function historyRecorder(history: HistoryEvent[]): (type: string, details?: Partial<HistoryEvent>) => number {
  return (type, details = {}) => {
    const id = history.length + 1;
    history.push({ id, previousEventId: id - 1, timestamp: new Date(), type: type as HistoryEvent['type'], ...details });
    return id;
  };
}

/** The history's last event: how the execution ended. */
export function recordEnd(
  record: ReturnType<typeof historyRecorder>,
  result: { status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT'; output?: unknown; error?: string; cause?: string },
): void {
  if (result.status === 'SUCCEEDED')
    record('ExecutionSucceeded', { executionSucceededEventDetails: { output: JSON.stringify(result.output ?? null) } });
  else if (result.status === 'FAILED')
    record('ExecutionFailed', { executionFailedEventDetails: { error: result.error, cause: result.cause } });
  else if (result.status === 'ABORTED') record('ExecutionAborted', { executionAbortedEventDetails: {} });
  else record('ExecutionTimedOut', { executionTimedOutEventDetails: {} });
}

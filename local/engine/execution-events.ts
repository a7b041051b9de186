/**
 * Step Functions' "Step Functions Execution Status Change" events (source aws.states), as the
 * embedded engine's executions start and end, shaped as AWS documents them.
 */
import { eventBridgeEvent, type EventBridgeEvent } from '#local/events/event.js';

export const STATES_EVENT_SOURCE = 'aws.states';
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';
export type ExecutionEventStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionFacts {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionEventStatus;
  startDate: number;
  stopDate?: number;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

export function executionStatusChange(facts: ExecutionFacts): EventBridgeEvent {
  const [, , , region = 'us-east-1', account = '123456789012'] = facts.executionArn.split(':');
  return eventBridgeEvent({
    'detail-type': EXECUTION_STATUS_CHANGE,
    source: STATES_EVENT_SOURCE,
    account,
    time: new Date(facts.stopDate ?? facts.startDate).toISOString(),
    region,
    resources: [facts.executionArn],
    detail: {
      executionArn: facts.executionArn,
      stateMachineArn: facts.stateMachineArn,
      name: facts.name,
      status: facts.status,
      startDate: facts.startDate,
      stopDate: facts.stopDate ?? null,
      input: json(facts.input),
      output: facts.status === 'SUCCEEDED' ? json(facts.output) : null,
      inputDetails: { included: true },
      outputDetails: facts.status === 'SUCCEEDED' ? { included: true } : null,
      error: facts.error ?? null,
      cause: facts.cause ?? null,
    },
  });
}

/**
 * SageMaker's EventBridge events, as the simulator's runs change status: source `aws.sagemaker`,
 * `resources` naming the pipeline and the execution, and the detail fields AWS documents for
 * "SageMaker Model Building Pipeline Execution Status Change" and "... Execution Step Status
 * Change" (camelCase; the step's Metadata with camelCase keys, e.g. `trainingJob.arn`).
 */
import type { AccountScope } from './arns.js';
import { stepTypeInfo } from './step-types.js';
import { eventBridgeEvent, type EventBridgeEvent, type EventListener } from '#local/events/event.js';
import type { Execution, JsonObject, JsonValue, StepRun } from './types.js';

export const SAGEMAKER_EVENT_SOURCE = 'aws.sagemaker';
export const EXECUTION_STATUS_CHANGE = 'SageMaker Model Building Pipeline Execution Status Change';
export const STEP_STATUS_CHANGE = 'SageMaker Model Building Pipeline Execution Step Status Change';

export type { EventBridgeEvent, EventListener } from '#local/events/event.js';

const iso = (epochSeconds: number | undefined): string | undefined =>
  epochSeconds === undefined ? undefined : new Date(epochSeconds * 1000).toISOString();
const defined = (fields: Record<string, JsonValue | undefined>): JsonObject =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as JsonObject;

/** PascalCase keys to camelCase, all the way down (SageMaker's events spell Metadata so). */
function camelKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key.charAt(0).toLowerCase() + key.slice(1), camelKeys(inner)]));
}

function envelope(detailType: string, execution: Execution, scope: AccountScope, detail: JsonObject): EventBridgeEvent {
  return eventBridgeEvent({
    'detail-type': detailType,
    source: SAGEMAKER_EVENT_SOURCE,
    account: scope.accountId,
    time: new Date().toISOString(),
    region: scope.region,
    resources: [execution.pipeline.arn, execution.arn],
    detail,
  });
}

export function executionStatusChange(execution: Execution, previous: string | undefined, scope: AccountScope): EventBridgeEvent {
  const ended = execution.status === 'Stopped' || execution.status === 'Failed' || execution.status === 'Succeeded';
  return envelope(
    EXECUTION_STATUS_CHANGE,
    execution,
    scope,
    defined({
      pipelineExecutionDisplayName: execution.displayName,
      currentPipelineExecutionStatus: execution.status,
      previousPipelineExecutionStatus: previous,
      executionStartTime: iso(execution.creationTime),
      executionEndTime: ended ? iso(execution.lastModifiedTime) : undefined,
      pipelineExecutionDescription: execution.description,
      pipelineArn: execution.pipeline.arn,
      pipelineExecutionArn: execution.arn,
    }),
  );
}

export function stepStatusChange(execution: Execution, step: StepRun, previous: string | undefined, scope: AccountScope): EventBridgeEvent {
  const metadata = stepTypeInfo(step.definition.type)?.metadata(step, execution);
  return envelope(
    STEP_STATUS_CHANGE,
    execution,
    scope,
    defined({
      stepName: step.definition.name,
      stepType: step.definition.type,
      currentStepStatus: step.status,
      previousStepStatus: previous,
      stepStartTime: iso(step.startTime),
      stepEndTime: iso(step.endTime),
      metadata: metadata ? camelKeys(metadata) : undefined,
      failureReason: step.status === 'Failed' ? step.failureReason : undefined,
    }),
  );
}

/** Where the simulator's events go: every listener, at once. A listener that throws never stops a run. */
export class SimulatorEvents {
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly onListenerError: (error: unknown) => void = (error) => console.error('[sagemaker-simulator] event listener:', error),
  ) {}

  publish(event: EventBridgeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Calls `listener` with every event from now on; returns what stops it. */
  observe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

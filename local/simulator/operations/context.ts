import type { AccountScope } from '#local/simulator/arns.js';
import type { SimulationClock } from '#local/simulator/clock.js';
import type { PipelineEngine } from '#local/simulator/pipeline-engine.js';
import type { SimulatorStore } from '#local/simulator/store.js';
import type { JsonObject } from '#local/simulator/types.js';

/** What every operation handler can reach. */
export interface OperationContext {
  store: SimulatorStore;
  engine: PipelineEngine;
  clock: SimulationClock;
  scope: AccountScope;
  /** The account's quotas the simulator enforces. */
  limits: SimulatorLimits;
}

export interface SimulatorLimits {
  /** Pipeline executions Executing or Stopping at once, across the account's pipelines. */
  concurrentExecutions: number;
}

/** Takes the parsed request body, returns the response body; throws SageMakerError. */
export type OperationHandler = (body: JsonObject, context: OperationContext) => JsonObject;

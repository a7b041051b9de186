import type { AccountScope } from '../arns.js';
import type { SimulationClock } from '../clock.js';
import type { PipelineEngine } from '../pipeline-engine.js';
import type { SimulatorStore } from '../store.js';
import type { JsonObject } from '../types.js';

/** What every operation handler can reach. */
export interface OperationContext {
  store: SimulatorStore;
  engine: PipelineEngine;
  clock: SimulationClock;
  scope: AccountScope;
}

/** Takes the parsed request body, returns the response body; throws SageMakerError. */
export type OperationHandler = (body: JsonObject, context: OperationContext) => JsonObject;

/** Public API of the local SageMaker Pipelines simulator (see local/README-simulator.md). */
export { startSageMakerSimulator } from './simulator.js';
export type { SageMakerSimulator, SageMakerSimulatorOptions } from './simulator.js';
export { FaultController, FaultSpecError } from './faults.js';
export type { FaultSpec } from './faults.js';
export type { SimulatorStatsSnapshot } from './stats.js';
export type { CallbackMessage } from './callback-queue.js';
export { DEFAULT_STOP_DURATION_SECONDS, LAMBDA_TIMEOUT_DEFAULT_SECONDS, LAMBDA_TIMEOUT_MAX_SECONDS } from './simulation.js';
export { EXECUTION_STATUS_CHANGE, SAGEMAKER_EVENT_SOURCE, STEP_STATUS_CHANGE } from './events.js';
export type { EventBridgeEvent, EventListener } from './events.js';

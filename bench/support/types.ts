import type { PollingPolicy } from './policies.js';

export interface DrainChildSpec {
  policy: PollingPolicy;
  nominalDrainSeconds: number;
  /** One graceful stop per entry, each against its own execution draining this long. */
  drains: number[];
  timeScale: number;
  functionsDir: string;
}

export interface DrainRunMeasurement {
  /** The configured drain (StopDurationSeconds): what the latency target is computed from. */
  drainSeconds: number;
  /** Simulated seconds from the stop request (output document) to the execution's LastModifiedTime: the drain plus the delay of the StopPipelineExecution call itself. */
  measuredDrainSeconds: number;
  /** Simulated seconds from the execution turning terminal to the state machine finishing. */
  latencySeconds: number;
  outcome: string;
  finalStatus: string;
  stateTransitions: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  realSeconds: number;
}

export interface DrainChildResult {
  policy: string;
  nominalDrainSeconds: number;
  timeScale: number;
  runs: DrainRunMeasurement[];
  /** Every SageMaker call of the graceful stops (all repeats together). */
  sageMakerCalls: Record<string, number>;
  throttledCalls: number;
  /** S3 requests per stop, by kind (stop records, end-record looks). */
  s3RequestsPerStop: Record<string, number>;
}

export interface ConcurrencyChildSpec {
  stops: number;
  tps: number;
  drainSeconds: number;
  policy: PollingPolicy;
  functionsDir: string;
  /** Independent copies of the handlers (own SDK client each), like warm Lambda containers. */
  handlerInstances: number;
}

export interface ConcurrencyChildResult {
  stops: number;
  tps: number;
  handlerInstances: number;
  drainSeconds: number;
  wallSeconds: number;
  outcomes: Record<string, number>;
  finalStatuses: Record<string, number>;
  /** Graceful stops that ended with a ThrottlingException error. */
  throttlingEscapes: number;
  sageMakerCalls: Record<string, number>;
  throttledCalls: number;
  stateTransitions: number;
  lambdaInvocations: number;
  taskRetries: Record<string, number>;
  /** The most retries one Task needed in one stop (the ASL allows 6 for ThrottlingException). */
  highestRetryAttempt: number;
  latencySeconds: { median: number; max: number };
}

export interface ImportChildSpec {
  bundlePath: string;
}

export interface ImportChildResult {
  importMilliseconds: number;
}

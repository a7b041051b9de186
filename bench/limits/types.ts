/** The limits bench: a concurrency limit's reaction time, and the runaway guard's cost per cycle over tagged pipelines. */
export interface LimitsSpec {
  mode: 'latency' | 'guard';
  functionsDir: string;
  timeScale: number;
  /** latency: runs started beyond a limit of 1, one after another. */
  extraRuns: number;
  /** guard: tagged pipelines the guard reads. */
  pipelines: number;
}

export interface LatencyResult {
  mode: 'latency';
  /** Seconds from each run's Executing event to its stop's signal (its Stopping event). */
  seconds: number[];
  stopped: number;
}

export interface GuardResult {
  mode: 'guard';
  pipelines: number;
  cycleSeconds: number;
  callsByOperation: Record<string, number>;
  stateTransitions: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  dollarsPerCycle: number;
  decisions: Record<string, number>;
}

export interface LimitsRow {
  latency?: { median: number; max: number; runs: number; stopped: number };
  guard?: GuardResult;
  error?: string;
}

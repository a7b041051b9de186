/** What the fleet bench's parent and child processes exchange, and the rows it reports. */

export interface FleetCase {
  runs: number;
  drainSeconds: number;
}

export interface FleetChildSpec extends FleetCase {
  signalRate: number;
  timeScale: number;
  functionsDir: string;
  /** 'fleet': a stop-all of `runs` runs; 'child': one graceful stop (one child of the previous design), measured to model it. */
  mode: 'fleet' | 'child';
}

/** One design's figures for one case (measured, or modelled from measured parts). */
export interface DesignFigures {
  design: 'fleet' | 'map-40' | 'sdk-loop';
  how: 'measured' | 'modelled';
  /** Simulated seconds from the start to the last StopPipelineExecution, and to the last end noticed. */
  secondsToLastSignal: number;
  secondsToAllEnded: number;
  /** Largest simulated delay from a run's end to its end being noticed. */
  maxDetectionSeconds: number;
  callsByOperation: Record<string, number>;
  /** The most calls of each operation let through in one simulated second (the fleet: its pacers' own count, in its report). */
  peakCallsPerSecond: Record<string, number>;
  /** The same as they left the process and as the simulator received them: a time scale of K magnifies a millisecond of scheduling K times. */
  peakSentPerSecond?: Record<string, number>;
  peakReceivedPerSecond?: Record<string, number>;
  callsPerRunBeyondListing: number;
  stateTransitions: number;
  lambdaInvocations: number;
  peakConcurrentLambda: number;
  lambdaGbSeconds: number;
  dollarsPerRun: number;
  /** Runs already stuck in Stopping that ended (reaped). */
  stuckReaped: number;
  stuck: number;
  outcomes: Record<string, number>;
}

export interface FleetChildResult extends FleetCase {
  mode: 'fleet' | 'child';
  timeScale: number;
  signalRate: number;
  realSeconds: number;
  listingSeconds: number;
  listingCalls: number;
  figures: DesignFigures;
  /** The one child's simulated lifetime (mode 'child'): how long the previous design held a Map slot. */
  childSeconds?: number;
  childPeakCallsPerSecond?: Record<string, number>;
}

export interface FleetRow extends FleetCase {
  signalRate: number;
  /** Simulated seconds the fleet's listing took (measured). */
  listingSeconds: number;
  designs: DesignFigures[];
  error?: string;
}

/** What the events bench's parent and children exchange. */
export interface EventsChildSpec {
  nominalDrainSeconds: number;
  drains: number[];
  timeScale: number;
  functionsDir: string;
}

export interface EventsRunMeasurement {
  drainSeconds: number;
  /** events: the run's end events delivered; polling: lost (what the stop did before the events). */
  mode: 'events' | 'polling';
  /** Simulated seconds from the run's end to the stop's first look that saw it ended. */
  latencySeconds: number;
  finalStatus: string;
  outcome: string;
  stateTransitions: number;
  lambdaInvocations: number;
}

export interface EventsChildResult {
  nominalDrainSeconds: number;
  timeScale: number;
  runs: EventsRunMeasurement[];
  /** S3 requests of the stops' records, by kind (GET, PUT, LIST, DELETE), per stop of either mode. */
  s3RequestsPerStop: Record<string, number>;
}

/** One row: one drain, events against polling, over the repeats. */
export interface EventsRow {
  nominalDrainSeconds: number;
  timeScale: number;
  repeats: number;
  error?: string;
  events: { median: number; max: number; stateTransitions: number; lambdaInvocations: number };
  polling: { median: number; max: number; stateTransitions: number; lambdaInvocations: number };
  outcomes: string[];
  s3RequestsPerStop: Record<string, number>;
}

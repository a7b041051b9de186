/** What a local organization and its spoke threads (spoke-thread.ts) tell each other. */
import type { EventBridgeEvent } from '#local/events/event.js';
import type { SeedRunName } from '#local/seed-runs.js';

export interface SpokeThreadData {
  timeScale: number;
  executionLimit?: number;
  functionsDir?: string;
  /** Loses every Stop All Completed event before the rules see it: what the hub's polling must cover. */
  loseStopAllEvents?: boolean;
  /** Runs to start once the spoke is up, by seed run name (local/seed-runs.ts). */
  seed?: Partial<Record<SeedRunName, number>>;
}

export type SpokeRequest = { kind: 'close' };

export type SpokeReply =
  | { kind: 'ready'; stepFunctionsEndpoint: string; sagemakerEndpoint: string; stopAllArn: string; runs: string[] }
  | { kind: 'event'; event: EventBridgeEvent }
  /** A line a function printed (a log line or a metrics document). */
  | { kind: 'output'; text: string }
  | { kind: 'failed'; message: string }
  | { kind: 'closed' };

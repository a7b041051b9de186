import type { EventBridgeEvent } from '#local/events/event.js';
import type { RunningSpoke } from '#local/organization/organization.js';

/** What the organization bench measures: accounts × regions of spokes, each with runs of one drain. */
export interface OrgSpec {
  accounts: number;
  regions: string[];
  runsPerSpoke: number;
  drainSeconds: number;
  timeScale: number;
  spokesPerThread: number;
  /** Targets of the second, dry-run stop: the spokes and this many more without a spoke, for the quotas at 1,000 targets. */
  quotaTargets: number;
  functionsDir: string;
}

export interface SpokesThreadData {
  spokes: Array<{ accountId: string; region: string }>;
  timeScale: number;
  functionsDir: string;
  pipelineName: string;
  runsPerSpoke: number;
  drainSeconds: number;
}

export type SpokesThreadRequest = { kind: 'report' } | { kind: 'close' };

/** One spoke's part of the organization stop: when its runs were signalled and ended (real ms), and what its stop-all cost. */
export interface SpokeFigures {
  accountId: string;
  region: string;
  signals: number[];
  ends: number[];
  statuses: Record<string, number>;
  stopAlls: number;
  stateTransitions: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
}

export type SpokesThreadReply =
  | { kind: 'ready'; spokes: Array<Omit<RunningSpoke, 'trustsOrganizationId' | 'trustsHubAccountId'>> }
  | { kind: 'event'; event: EventBridgeEvent }
  | { kind: 'report'; spokes: SpokeFigures[] }
  | { kind: 'failed'; message: string }
  | { kind: 'closed' };

/** A target on the timeline: simulated seconds from the organization stop's start. */
export interface TargetTimeline {
  target: string;
  signals: number[];
  ends: number[];
  reportedAt: number;
}

export interface OrgResult {
  accounts: number;
  regions: number;
  targets: number;
  runs: number;
  drainSeconds: number;
  timeScale: number;
  realSeconds: number;
  outcome: Record<string, number>;
  finalStatuses: Record<string, number>;
  /** The distinct causes of the targets that did not complete (at most 5). */
  causes: string[];
  /** Simulated seconds from the request to the last StopPipelineExecution of any spoke. */
  secondsToLastSignal: number;
  /** Simulated seconds from the request to the report. */
  secondsToReport: number;
  /** The longest time, simulated seconds, from a run's end to the hub's knowing it (its target's result recorded). */
  maxEndToReportSeconds: number;
  medianEndToReportSeconds: number;
  cost: {
    hubTransitions: number;
    hubLambdaInvocations: number;
    hubLambdaGbSeconds: number;
    spokeTransitions: number;
    spokeLambdaInvocations: number;
    spokeLambdaGbSeconds: number;
    dollarsPerRun: number;
  };
  /** The second stop: a dry run over `targets` targets, most of them without a spoke. */
  quotas: {
    targets: number;
    outcome: Record<string, number>;
    largestStateBytes: number;
    largestStateName: string;
    parentHistoryEvents: number;
    largestChildHistoryEvents: number;
  };
  timeline: TargetTimeline[];
}

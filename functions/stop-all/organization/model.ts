/** The organization stop's state: its request, its targets, and what each target's stop-all came to. */

/** One account and region with a spoke of this stack (a target of the organization stop). */
export interface SpokeTarget {
  accountId: string;
  region: string;
}

/** Which targets: accounts × regions, the accounts of an organizational unit × regions, or every instance of a StackSet. */
export type TargetSelection =
  | { accounts: string[]; regions: string[] }
  | { organizationalUnit: string; regions: string[] }
  | { stackSet: string; callAs: 'SELF' | 'DELEGATED_ADMIN' };

export interface OrganizationStopRequest {
  targets: TargetSelection;
  /** The stop-all input every spoke gets, validated here by stop-all's own parser. */
  stopAll: Record<string, unknown>;
  /** How long a target's stop-all may run before the target ends SpokeTimedOut. */
  spokeTimeoutSeconds: number;
}

/** How one target ended: its stop-all completed, or why it did not. */
export const TARGET_OUTCOMES = [
  'Completed',
  'SpokeNotDeployed',
  'SpokeAccessDenied',
  'RegionDisabled',
  'SpokeFailed',
  'SpokeTimedOut',
] as const;
export type TargetOutcome = (typeof TARGET_OUTCOMES)[number];

/** A target's stop-all, started: what its checks need. */
export interface StartedSpoke extends SpokeTarget {
  spokeExecutionArn: string;
  startedAt: string;
}

/** A check of a target's stop-all: still running (and when to look again), or its counts. */
export interface SpokeCheck extends StartedSpoke {
  done: boolean;
  nextWaitSeconds: number;
  result?: TargetResult;
}

/** What the report keeps of one target: small, as 300 of them travel in one state. */
export interface TargetResult extends SpokeTarget {
  outcome: TargetOutcome;
  spokeExecutionArn?: string;
  selected?: number;
  signalled?: number;
  succeeded?: number;
  failed?: number;
  leftovers?: number;
  released?: number;
  finalStatuses?: Record<string, number>;
  /** Why the target did not complete, one sentence. */
  cause?: string;
}

/** The organization stop's report: totals over every target, and each target's result. */
export interface OrganizationStopReport {
  dryRun: boolean;
  targets: number;
  byOutcome: Record<string, number>;
  totals: { selected: number; signalled: number; succeeded: number; failed: number; leftovers: number; released: number };
  finalStatuses: Record<string, number>;
  /** Targets that did not complete first; at most MAX_REPORTED_TARGETS. */
  results: TargetResult[];
  resultsOmitted: number;
}

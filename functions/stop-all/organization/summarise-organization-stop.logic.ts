/**
 * The organization stop's report: every target's result (the ones that did not complete first), the
 * counts by outcome and by final status, and the totals - each the sum of the targets'.
 */
import { causeSentence, clip } from '#commons/text.js';
import { TARGET_OUTCOMES, type OrganizationStopReport, type TargetOutcome, type TargetResult } from './model.js';

/** Targets listed in full in the report (the totals count them all). */
export const MAX_REPORTED_TARGETS = 200;
export const ORGANIZATION_STOP_COMPLETED_DETAIL_TYPE = 'Organization Stop Completed';

/** What a Map iteration hands over: a result, or the error its Catch kept (a per-target named outcome). */
export type IterationResult = TargetResult | { accountId: string; region: string; failure: { Error?: string; Cause?: string } };

/** A caught error as the target's result: a named outcome keeps its name, anything else is SpokeFailed. */
export function resultOfIteration(iteration: IterationResult): TargetResult {
  if (!('failure' in iteration)) return iteration;
  const name = iteration.failure.Error ?? '';
  const outcome: TargetOutcome =
    (TARGET_OUTCOMES as readonly string[]).includes(name) && name !== 'Completed' ? (name as TargetOutcome) : 'SpokeFailed';
  const sentence = causeSentence(iteration.failure.Cause ?? '');
  return {
    accountId: iteration.accountId,
    region: iteration.region,
    outcome,
    cause: clip(outcome === 'SpokeFailed' && name ? `${name}: ${sentence}` : sentence, 300),
  };
}

export function summariseOrganizationStop(iterations: readonly IterationResult[], dryRun: boolean): OrganizationStopReport {
  const results = iterations.map(resultOfIteration);
  const byOutcome: Record<string, number> = {};
  const finalStatuses: Record<string, number> = {};
  const totals = { selected: 0, signalled: 0, succeeded: 0, failed: 0, leftovers: 0, released: 0 };
  for (const result of results) {
    byOutcome[result.outcome] = (byOutcome[result.outcome] ?? 0) + 1;
    for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += result[key] ?? 0;
    for (const [status, count] of Object.entries(result.finalStatuses ?? {})) finalStatuses[status] = (finalStatuses[status] ?? 0) + count;
  }
  const ordered = [
    ...results.filter((result) => result.outcome !== 'Completed'),
    ...results.filter((result) => result.outcome === 'Completed'),
  ];
  return {
    dryRun,
    targets: results.length,
    byOutcome,
    totals,
    finalStatuses,
    results: ordered.slice(0, MAX_REPORTED_TARGETS),
    resultsOmitted: Math.max(0, ordered.length - MAX_REPORTED_TARGETS),
  };
}

/**
 * One look at a target's stop-all (DescribeExecution through the spoke role): still running - look
 * again after a wait that grows with the time spent, never past the target's deadline - or ended,
 * with the counts of its report. Its completion event, forwarded to the hub's bus, is the fast path;
 * this look is the safety net that never misses an end.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import type { STSClient } from '@aws-sdk/client-sts';
import { clip } from '#commons/text.js';
import type { SpokeCheck, StartedSpoke, TargetResult } from './model.js';
import { spokeError, spokeStepFunctions } from './spoke-access.js';

/**
 * Looks come at least this far apart, and at most this far (a quarter of the time spent, in
 * between): the event is the fast path, and each look costs three transitions and two invocations,
 * paid by every target - a lost event is noticed within a quarter of the time spent, or a minute.
 */
export const MIN_CHECK_SECONDS = 60;
export const MAX_CHECK_SECONDS = 300;
const CAUSE_LENGTH = 300;

export interface CheckDependencies {
  sts: STSClient;
  partition: string;
  now: () => number;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const counts = (value: unknown): Record<string, number> =>
  typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, count(item)])) : {};

/** The counts a target keeps of its stop-all's report (the report is stop-all's output document). */
export function resultOfReport(spoke: StartedSpoke, output: string | undefined): TargetResult {
  let report: Record<string, unknown> = {};
  try {
    report = JSON.parse(output ?? '{}') as Record<string, unknown>;
  } catch {
    // An unreadable report still completed: its counts stay zero and the cause says why.
    return { ...base(spoke), outcome: 'Completed', cause: 'The spoke stop-all ended but its report is not JSON.' };
  }
  return {
    // A completed target's result stays small (300 of them travel in one state): no execution ARN.
    accountId: spoke.accountId,
    region: spoke.region,
    outcome: 'Completed',
    selected: count(report.selected),
    signalled: count(report.signalled),
    succeeded: count(report.succeeded),
    failed: count(report.failed),
    leftovers: count(report.leftovers),
    released: count(report.released),
    finalStatuses: counts(report.finalStatuses),
  };
}

const base = (spoke: StartedSpoke) => ({ accountId: spoke.accountId, region: spoke.region, spokeExecutionArn: spoke.spokeExecutionArn });

export async function checkSpokeStopAll(
  input: StartedSpoke & { spokeTimeoutSeconds: number },
  deps: CheckDependencies,
): Promise<SpokeCheck> {
  const spoke: StartedSpoke = {
    accountId: input.accountId,
    region: input.region,
    spokeExecutionArn: input.spokeExecutionArn,
    startedAt: input.startedAt,
  };
  const sfn = await spokeStepFunctions(deps.sts, deps.partition, spoke, deps.now());
  let described;
  try {
    described = await sfn.send(new DescribeExecutionCommand({ executionArn: spoke.spokeExecutionArn }));
  } catch (error) {
    throw spokeError(spoke, error);
  }
  const elapsed = Math.max(0, (deps.now() - Date.parse(spoke.startedAt)) / 1000);
  if (described.status === 'RUNNING' || described.status === 'PENDING_REDRIVE') {
    const left = input.spokeTimeoutSeconds - elapsed;
    if (left <= 0) {
      const result: TargetResult = {
        ...base(spoke),
        outcome: 'SpokeTimedOut',
        cause: `The spoke's stop-all still ran after ${input.spokeTimeoutSeconds} s (spokeTimeoutSeconds); it goes on in the spoke.`,
      };
      return { ...spoke, done: true, nextWaitSeconds: 0, result };
    }
    const wait = Math.min(MAX_CHECK_SECONDS, Math.max(MIN_CHECK_SECONDS, Math.round(elapsed / 4)), Math.ceil(left));
    return { ...spoke, done: false, nextWaitSeconds: wait };
  }
  if (described.status === 'SUCCEEDED')
    return { ...spoke, done: true, nextWaitSeconds: 0, result: resultOfReport(spoke, described.output) };
  const cause = clip(
    `The spoke's stop-all ended ${described.status ?? 'unknown'}${described.error ? ` (${described.error})` : ''}${described.cause ? `: ${described.cause}` : ''}`,
    CAUSE_LENGTH,
  );
  return { ...spoke, done: true, nextWaitSeconds: 0, result: { ...base(spoke), outcome: 'SpokeFailed', cause } };
}

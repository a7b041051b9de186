/**
 * Each target's result, kept in S3 by its own Map iteration and read back by the summariser: the
 * Map hands nothing back into the organization stop's state, which Step Functions holds to 256 KB,
 * so 1,000 targets - each a failure with its longest cause - fit as well as one.
 */
import { isErrorNamed } from '#commons/errors.js';
import type { ObjectStore } from '#commons/object-store.js';
import { digestOf } from '#commons/tokens.js';
import type { SpokeTarget, TargetResult } from './model.js';
import { resultOfIteration, type IterationResult } from './summarise-organization-stop.logic.js';

/** organization-stops/<digest of the organization stop>/<account>-<region>.json */
export const targetResultKey = (organizationStopId: string, target: SpokeTarget): string =>
  `organization-stops/${digestOf(organizationStopId, 24)}/${target.accountId}-${target.region}.json`;

/** Results read at once: S3 serves thousands of GETs a second per prefix; this keeps the function's sockets few. */
export const READS_AT_ONCE = 25;

/** Keeps one iteration's result (a named outcome when it did not complete); returns its outcome. */
export async function recordTargetResult(
  store: ObjectStore,
  organizationStopId: string,
  iteration: IterationResult,
): Promise<{ outcome: TargetResult['outcome'] }> {
  const result = resultOfIteration(iteration);
  await store.put(targetResultKey(organizationStopId, result), JSON.stringify(result));
  return { outcome: result.outcome };
}

/** A target whose iteration could not keep its result (S3 failed it past every retry). */
const notRecorded = (target: SpokeTarget): TargetResult => ({
  ...target,
  outcome: 'SpokeFailed',
  cause: 'Its result was not recorded (S3 refused it past every retry); read its stop-all in the spoke.',
});

/** Every target's result, in the targets' order; a missing one is SpokeFailed, said so. */
export async function readTargetResults(
  store: ObjectStore,
  organizationStopId: string,
  targets: readonly SpokeTarget[],
): Promise<TargetResult[]> {
  const results: TargetResult[] = [];
  for (let from = 0; from < targets.length; from += READS_AT_ONCE) {
    const batch = targets.slice(from, from + READS_AT_ONCE);
    results.push(
      ...(await Promise.all(
        batch.map(async (target) => {
          try {
            return JSON.parse(await store.get(targetResultKey(organizationStopId, target))) as TargetResult;
          } catch (error) {
            if (isErrorNamed(error, 'NoSuchKey')) return notRecorded(target);
            throw error;
          }
        }),
      )),
    );
  }
  return results;
}

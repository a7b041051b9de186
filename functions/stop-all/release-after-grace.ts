/** The sweep's deadlines and releases: runs past their deadline timed out, callback steps past their grace released. */
import type { Clock } from '#commons/clock.js';
import { releaseCallbackStepsOf } from '#pipeline-runs/callback-release.js';
import { fleetSeconds, isEnded } from './fleet-progress.js';
import type { FleetLedger, FleetRun } from './model.js';
import { stepsOf, type Call, type SweepDependencies } from './sweep-dependencies.js';

/** A run still draining after its grace has its callback steps checked again this long after the last check, at most MAX_RELEASE_CHECKS times. */
export const RELEASE_RECHECK_SECONDS = 300;
export const MAX_RELEASE_CHECKS = 3;

const secondsSinceDrain = (run: FleetRun, clock: Clock): number =>
  run.drainFrom === undefined ? -1 : clock.secondsSince(new Date(run.drainFrom).toISOString());

/**
 * Past each live run's deadline: timed out. Past its grace: its callback steps released (checked at
 * the grace, then every RELEASE_RECHECK_SECONDS while it drains, MAX_RELEASE_CHECKS times at most).
 * False when the cycle's time (`until`, fleet seconds) ran out first: the next cycle carries on.
 */
export async function releaseAfterGrace(ledger: FleetLedger, deps: SweepDependencies, call: Call, until: number): Promise<boolean> {
  const { request } = ledger;
  const maxWait = request.maxWaitSeconds ?? Number.POSITIVE_INFINITY;
  for (const run of ledger.runs) {
    if (!isEnded(run) && run.drainFrom !== undefined && secondsSinceDrain(run, deps.clock) >= maxWait) run.timedOut = true;
  }
  for (const run of ledger.runs) {
    // A run's own grace (its pipeline's graceful-stop:grace, for the runaway guard) before the request's.
    const grace = run.graceSeconds ?? request.releaseCallbacksAfterSeconds;
    if (grace === undefined) continue;
    if (fleetSeconds(ledger, deps.clock) >= until) return false;
    if (isEnded(run) || run.drainFrom === undefined || secondsSinceDrain(run, deps.clock) < grace) continue;
    // Once at the grace, then again while it drains (a step that got its token late), a bounded number of times.
    const checks = run.releaseChecks ?? 0;
    if (
      checks >= MAX_RELEASE_CHECKS ||
      (checks > 0 && fleetSeconds(ledger, deps.clock) - (run.releaseCheckedAt ?? 0) < RELEASE_RECHECK_SECONDS)
    )
      continue;
    if (run.signal?.result === 'NotExecuting' && run.statusAtStop !== 'Stopping') continue;
    const steps = await stepsOf(run, deps, call);
    const released = await releaseCallbackStepsOf(
      deps.sagemaker,
      steps,
      {
        ...((run.reason ?? request.reason) === undefined ? {} : { reason: run.reason ?? request.reason }),
        graceSeconds: grace,
        requestKey: ledger.executionId,
        alreadyReleased: new Set(),
        pace: () => call('SendPipelineExecutionStepFailure'),
      },
      deps.clock,
    );
    run.releaseChecks = checks + 1;
    run.releaseCheckedAt = fleetSeconds(ledger, deps.clock);
    run.released = (run.released ?? 0) + released.filter((step) => step.result === 'Released').length;
  }
  return true;
}

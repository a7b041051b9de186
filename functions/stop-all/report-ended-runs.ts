/** The sweep's report of ended runs: when SageMaker ended each, and what failed or still drained in those that did not stop cleanly. */
import { DescribePipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { clip } from '#commons/text.js';
import { checkLeftovers } from '#pipeline-runs/leftovers.js';
import { isTerminalStatus } from '#pipeline-runs/pipeline-execution.js';
import { isDraining, toStepView } from '#pipeline-runs/pipeline-steps.js';
import { isNotFoundError } from '#pipeline-runs/sagemaker-errors.js';
import { isTransientError } from '#commons/service-errors.js';
import { fleetSeconds } from './fleet-progress.js';
import { MAX_REPORTED_RUNS } from './limits.js';
import type { FleetLedger } from './model.js';
import { stepsOf, type Call, type SweepDependencies } from './sweep-dependencies.js';

/** Steps kept per reported run. */
const MAX_STEPS_PER_RUN = 3;
/** A step's reason in the ledger: the report lists up to 100 runs of 3 steps each. */
const STEP_REASON_LENGTH = 300;

/**
 * A drain lasts until SageMaker ended the run, not until a sweep saw it ended (up to a cycle later):
 * each run that ended after its drain began gets its end time from SageMaker once (the run's
 * LastModifiedTime: its last status change), at DescribePipelineExecution's own pace, within the
 * cycle; one not read keeps the time it was noticed. False when the cycle's time ran out.
 */
export async function readEndTimes(ledger: FleetLedger, deps: SweepDependencies, call: Call, until: number): Promise<boolean> {
  for (const run of ledger.runs) {
    if (run.endTimeRead || run.endedAt === undefined || run.drainFrom === undefined || !isTerminalStatus(run.status) || run.error) continue;
    if (fleetSeconds(ledger, deps.clock) >= until) return false;
    await call('DescribePipelineExecution');
    try {
      const described = await deps.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: run.arn }));
      const endedAt = described?.LastModifiedTime?.getTime();
      if (endedAt !== undefined && Number.isFinite(endedAt) && endedAt <= run.endedAt) run.endedAt = endedAt;
    } catch (error) {
      // The noticed time stays: an end time is a detail of the report, never a reason to fail the fleet.
      if (!isNotFoundError(error) && !isTransientError(error)) throw error;
    }
    run.endTimeRead = true;
  }
  return true;
}

/**
 * Runs that ended Failed or timed out get their steps read once, for the report (the first
 * MAX_REPORTED_RUNS of them), and a failed run's leftover jobs stopped and counted. Stops at `until`.
 */
export async function nameEndedRuns(ledger: FleetLedger, deps: SweepDependencies, call: Call, until: number): Promise<void> {
  const { request } = ledger;
  const toName = ledger.runs
    .filter((run) => (run.timedOut || (run.endedAt !== undefined && run.status === 'Failed')) && !run.error)
    .slice(0, MAX_REPORTED_RUNS);
  for (const run of toName) {
    if (run.steps !== undefined) continue;
    if (fleetSeconds(ledger, deps.clock) >= until) return;
    const steps = await stepsOf(run, deps, call);
    // A run that ended Failed may leave jobs running (a step failed while another's job ran): stop them, count what is left.
    if (!run.timedOut) {
      const check = await checkLeftovers(deps.sagemaker, steps, {
        stopLeftoverJobs: request.stopLeftoverJobs !== false,
        releasedStepNames: new Set(),
        pace: () => call('DescribeOrStopJob'),
      });
      run.leftovers = check.leftovers
        .slice(0, MAX_STEPS_PER_RUN)
        .map(({ stepName, kind, resource, action }) => ({ stepName, kind, resource, action }));
      run.leftoverCount = check.leftovers.length;
    }
    run.steps = steps
      .filter((step) => step.StepStatus === 'Failed' || (run.timedOut && isDraining(step)))
      .slice(0, MAX_STEPS_PER_RUN)
      .map(toStepView)
      .map((step) => (step.failureReason ? { ...step, failureReason: clip(step.failureReason, STEP_REASON_LENGTH) } : step));
  }
}

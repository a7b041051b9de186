import {
  DescribePipelineExecutionCommand,
  type DescribePipelineExecutionCommandOutput,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { PipelineExecutionNotFound, isErrorNamed } from './errors.js';
import type { Clock } from './clock.js';
import { TERMINAL_STATUSES, stopInEffect, type CheckRecord, type CheckedState, type ExecutionStatus, type StoppedState } from './model.js';
import { nextWaitSeconds, pollIntervalSeconds } from './schedule.js';
import { isNotFoundError } from './sagemaker-errors.js';
import { callbackTokenOf, inferStepType, isDraining, listAllSteps, toStepView } from './steps.js';

/** Steps kept in the state document (a Step Functions payload is at most 256 KB). */
export const MAX_REPORTED_STEPS = 200;

export interface CheckConfig {
  /** Upper bound of one poll interval and of Wait For Drain. */
  pollCapSeconds: number;
  /** How long one check may keep watching the status before handing back to the Wait state. */
  watchSeconds: number;
  /** Lower bound of one poll interval (default 1 s). */
  pollMinSeconds?: number;
}

export interface CheckDependencies {
  sagemaker: SageMakerClient;
  clock: Clock;
  config: CheckConfig;
}

const isTerminal = (status: ExecutionStatus): boolean => TERMINAL_STATUSES.includes(status);

/**
 * Describes the execution (watching it for up to `watchSeconds`, so a drain
 * that ends is seen within one poll interval without extra state
 * transitions), then reads every page of its steps and decides how long to
 * wait next.
 */
export async function checkPipelineExecution(state: StoppedState, deps: CheckDependencies): Promise<CheckedState> {
  const { request, stop } = state;
  const { clock, config } = deps;
  let polls = state.check?.polls ?? 0;
  const notFoundMidRun = (error: unknown): unknown =>
    isNotFoundError(error)
      ? new PipelineExecutionNotFound(
          `SageMaker no longer knows pipeline execution ${request.pipelineExecutionArn} (was the pipeline deleted?).`,
          error,
        )
      : error;
  const describe = async (): Promise<DescribePipelineExecutionCommandOutput> => {
    polls += 1;
    try {
      return await deps.sagemaker.send(
        new DescribePipelineExecutionCommand({ PipelineExecutionArn: request.pipelineExecutionArn }),
      );
    } catch (error) {
      throw notFoundMidRun(error);
    }
  };

  let execution = await describe();
  let status = (execution.PipelineExecutionStatus ?? 'Executing') as ExecutionStatus;
  const releasePending = request.releaseCallbacksAfterSeconds !== undefined && stopInEffect(stop);
  const watchUntil = Math.min(
    clock.secondsSince(stop.requestedAt) + config.watchSeconds,
    request.maxWaitSeconds,
    releasePending && clock.secondsSince(stop.requestedAt) < request.releaseCallbacksAfterSeconds!
      ? request.releaseCallbacksAfterSeconds!
      : Number.POSITIVE_INFINITY,
  );
  // Bounded: each round sleeps at least 1 simulated second, so rounds <= watchSeconds.
  for (let round = 0; round < config.watchSeconds && !isTerminal(status); round += 1) {
    const elapsed = clock.secondsSince(stop.requestedAt);
    const left = watchUntil - elapsed;
    if (left <= 0) break;
    await clock.sleep(Math.min(pollIntervalSeconds(elapsed, config.pollCapSeconds, config.pollMinSeconds), left));
    try {
      execution = await describe();
    } catch (error) {
      // Throttled while merely watching: stop watching and report what is known; the Wait state paces the next try.
      if (isErrorNamed(error, 'ThrottlingException')) break;
      throw error;
    }
    status = (execution.PipelineExecutionStatus ?? 'Executing') as ExecutionStatus;
  }

  const steps = await listAllSteps(deps.sagemaker, request.pipelineExecutionArn).catch((error: unknown) => {
    throw notFoundMidRun(error);
  });
  const elapsed = clock.secondsSince(stop.requestedAt);
  const remaining = request.maxWaitSeconds - elapsed;
  const draining = isTerminal(status) ? [] : steps.filter(isDraining);
  const releasedNames = new Set((state.released ?? []).map((released) => released.stepName));
  const releaseDue =
    releasePending &&
    !isTerminal(status) &&
    elapsed >= request.releaseCallbacksAfterSeconds! &&
    // Only a step with a token can be released: without this, a tokenless callback step would send the
    // loop from Release Callback Steps straight back here, with no wait, until the deadline.
    draining.some(
      (step) => inferStepType(step) === 'Callback' && !!callbackTokenOf(step) && !releasedNames.has(step.StepName ?? ''),
    );

  const check: CheckRecord = {
    checkedAt: new Date(clock.now()).toISOString(),
    status,
    ...(execution.FailureReason ? { failureReason: execution.FailureReason } : {}),
    steps: steps.slice(0, MAX_REPORTED_STEPS).map(toStepView),
    stepsOmitted: Math.max(0, steps.length - MAX_REPORTED_STEPS),
    draining: draining.slice(0, MAX_REPORTED_STEPS).map(toStepView),
    // Wake up for whichever comes first: the deadline or the end of the force-release grace period.
    nextWaitSeconds: nextWaitSeconds(
      elapsed,
      releasePending && elapsed < request.releaseCallbacksAfterSeconds!
        ? Math.min(remaining, request.releaseCallbacksAfterSeconds! - elapsed)
        : remaining,
      config.pollCapSeconds,
      config.pollMinSeconds,
    ),
    deadlinePassed: !isTerminal(status) && remaining <= 0,
    releaseDue,
    polls,
    waitedSeconds: Math.round(elapsed * 10) / 10,
  };
  return { ...state, check };
}

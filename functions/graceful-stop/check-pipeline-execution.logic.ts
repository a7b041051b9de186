import { logger } from '#commons/logger.js';
import {
  DescribePipelineExecutionCommand,
  type DescribePipelineExecutionCommandOutput,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { isErrorNamed } from '#commons/errors.js';
import type { Clock } from '#commons/clock.js';
import { TERMINAL_STATUSES, stopInEffect, type CheckRecord, type CheckedState, type ExecutionStatus, type StoppedState } from './model.js';
import { nextWaitSeconds, pollIntervalSeconds } from './poll-schedule.js';
import { notFoundMidRun, unavailableAfterDeadline } from '#pipeline-runs/sagemaker-errors.js';
import { isDraining, isReleasable, listAllSteps, toStepView } from '#pipeline-runs/pipeline-steps.js';

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
  /** Whether the run's terminal event came (the stop records): a watch that sees it polls at once. */
  runEnded?: (pipelineExecutionArn: string) => Promise<boolean>;
}

/** While it watches, a check looks for the run's end event this often (seconds): within 2 s of the event, it polls. */
export const EVENT_LOOK_SECONDS = 1;
/** How soon after a run's end event its stop polls. */
export const EVENT_NOTICE_SECONDS = 2;

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
  // Not found: the execution vanished; transient past the deadline: SageMakerUnavailable; else as thrown, for the ASL Retry.
  const failure =
    (operation: string) =>
    (error: unknown): never => {
      const elapsedSeconds = clock.secondsSince(stop.requestedAt);
      const context = {
        operation,
        pipelineExecutionArn: request.pipelineExecutionArn,
        maxWaitSeconds: request.maxWaitSeconds,
        elapsedSeconds,
        polls,
      };
      throw unavailableAfterDeadline(notFoundMidRun(request.pipelineExecutionArn, error, polls), context);
    };
  const describe = async (): Promise<DescribePipelineExecutionCommandOutput> => {
    polls += 1;
    try {
      return await deps.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: request.pipelineExecutionArn }));
    } catch (error) {
      return failure('DescribePipelineExecution')(error);
    }
  };
  // Seconds after the stop when callback steps may be force-released; undefined = never.
  const releaseAt = stopInEffect(stop) ? request.releaseCallbacksAfterSeconds : undefined;
  // The next moment worth waking for: the end of the grace period while it runs, else the deadline.
  const wakeAt = (elapsed: number): number =>
    releaseAt !== undefined && elapsed < releaseAt ? Math.min(releaseAt, request.maxWaitSeconds) : request.maxWaitSeconds;

  const listSteps = () => listAllSteps(deps.sagemaker, request.pipelineExecutionArn).catch(failure('ListPipelineExecutionSteps'));
  const releasedNames = new Set((state.released ?? []).map((released) => released.stepName));

  // Sleeps until the next poll, or less: the run's end event, looked for every EVENT_LOOK_SECONDS.
  // If the records cannot be read, the watch goes on polling as it would without them.
  let eventsReadable = deps.runEnded !== undefined;
  const sleepUntilPollOrEnd = async (seconds: number): Promise<void> => {
    // A poll at most 2 s away is as soon as the event would make it: no look needed (early in a drain, polls are 1-2 s apart).
    if (!eventsReadable || !deps.runEnded || seconds <= EVENT_NOTICE_SECONDS) return clock.sleep(seconds);
    const until = clock.secondsSince(stop.requestedAt) + seconds;
    for (let look = 0; look <= Math.ceil(seconds / EVENT_LOOK_SECONDS); look += 1) {
      const left = until - clock.secondsSince(stop.requestedAt);
      if (left <= 0) return;
      await clock.sleep(Math.min(EVENT_LOOK_SECONDS, left));
      try {
        if (await deps.runEnded(request.pipelineExecutionArn)) return;
      } catch (error) {
        eventsReadable = false;
        logger.warn('The run end records cannot be read; the watch polls on its schedule', { error: error as Error });
        return clock.sleep(Math.max(0, until - clock.secondsSince(stop.requestedAt)));
      }
    }
  };

  let execution = await describe();
  let status = (execution.PipelineExecutionStatus ?? 'Executing') as ExecutionStatus;
  const watchFrom = clock.secondsSince(stop.requestedAt);
  // The grace period is already over (0 s, or a check that wakes after it): a callback step still
  // waiting is released now, not after a whole watch.
  let stepsBeforeWatch: Awaited<ReturnType<typeof listSteps>> | undefined;
  if (releaseAt !== undefined && watchFrom >= releaseAt && !isTerminal(status) && config.watchSeconds > 0) {
    stepsBeforeWatch = await listSteps();
  }
  const releaseWaiting = stepsBeforeWatch?.some((step) => isReleasable(step, releasedNames)) === true;
  const watchUntil = releaseWaiting ? watchFrom : Math.min(watchFrom + config.watchSeconds, wakeAt(watchFrom));
  // Bounded: each round sleeps at least 1 simulated second, so rounds <= watchSeconds.
  for (let round = 0; round < config.watchSeconds && !isTerminal(status); round += 1) {
    const elapsed = clock.secondsSince(stop.requestedAt);
    const left = watchUntil - elapsed;
    if (left <= 0) break;
    await sleepUntilPollOrEnd(Math.min(pollIntervalSeconds(elapsed, config.pollCapSeconds, config.pollMinSeconds), left));
    try {
      execution = await describe();
    } catch (error) {
      // Throttled while merely watching: stop watching and report what is known; the Wait state paces the next try.
      if (isErrorNamed(error, 'ThrottlingException')) break;
      throw error;
    }
    status = (execution.PipelineExecutionStatus ?? 'Executing') as ExecutionStatus;
  }

  const steps = releaseWaiting && stepsBeforeWatch ? stepsBeforeWatch : await listSteps();
  const elapsed = clock.secondsSince(stop.requestedAt);
  const remaining = request.maxWaitSeconds - elapsed;
  const draining = isTerminal(status) ? [] : steps.filter(isDraining);
  const releaseDue =
    releaseAt !== undefined &&
    !isTerminal(status) &&
    elapsed >= releaseAt &&
    // Only what Release Callback Steps will act on (a token is required): anything else would send the
    // loop from Release Callback Steps straight back here, with no wait, until the deadline.
    steps.some((step) => isReleasable(step, releasedNames));

  const check: CheckRecord = {
    checkedAt: new Date(clock.now()).toISOString(),
    status,
    ...(execution.FailureReason ? { failureReason: execution.FailureReason } : {}),
    steps: steps.slice(0, MAX_REPORTED_STEPS).map(toStepView),
    stepsOmitted: Math.max(0, steps.length - MAX_REPORTED_STEPS),
    draining: draining.slice(0, MAX_REPORTED_STEPS).map(toStepView),
    // Wake up for whichever comes first: the deadline or the end of the force-release grace period.
    nextWaitSeconds: nextWaitSeconds(elapsed, wakeAt(elapsed) - elapsed, config.pollCapSeconds, config.pollMinSeconds),
    deadlinePassed: !isTerminal(status) && remaining <= 0,
    releaseDue,
    polls,
    waitedSeconds: Math.round(elapsed * 10) / 10,
  };
  return { ...state, check };
}

import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  StopPipelineExecutionCommand,
  type PipelineExecutionStep,
  type PipelineExecutionSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { releaseCallbackStepsOf } from '#commons/callback-release.js';
import { checkLeftovers } from '#commons/leftovers.js';
import type { Clock } from '#commons/clock.js';
import { isTerminalStatus, type ExecutionStatus } from '#commons/pipeline-execution.js';
import { isDraining, listAllSteps, toStepView } from '#commons/pipeline-steps.js';
import { isNotExecutingError, isNotFoundError, isTransientError } from '#commons/sagemaker-errors.js';
import { clip } from '#commons/text.js';
import { deriveClientRequestToken } from '#commons/tokens.js';
import { cycleSeconds, fleetSeconds, isEnded, isSignalPending, progressOf } from './fleet-progress.js';
import { pacedCalls, type PacedCall } from './paced-calls.js';
import type { LedgerStore } from './ledger.js';
import { MAX_LISTING_PAGES, MAX_REPORTED_RUNS, PAGE_SIZE } from './limits.js';
import type { FleetLedger, FleetRun, ListedState } from './model.js';
import { claimOrCount, type StopRecords } from '#commons/stop-records.js';

/** A transient answer to a signal (ConflictException, throttling, 5xx, timeouts) is retried this many times in all, with backoff. */
export const MAX_SIGNAL_ATTEMPTS = 6;
const SIGNAL_BACKOFF_SECONDS = [2, 4, 8, 16, 30];
/** A run still draining after its grace has its callback steps checked again this long after the last check, at most MAX_RELEASE_CHECKS times. */
export const RELEASE_RECHECK_SECONDS = 300;
export const MAX_RELEASE_CHECKS = 3;
/** Complete sweeps that must miss a run before it counts as vanished. */
const MISSES_BEFORE_NOT_FOUND = 2;
/** Steps kept per reported run. */
const MAX_STEPS_PER_RUN = 3;
const CAUSE_LENGTH = 600;
/** A step's reason in the ledger: the report lists up to 100 runs of 3 steps each. */
const STEP_REASON_LENGTH = 300;

export interface SweepDependencies {
  sagemaker: SageMakerClient;
  ledgers: LedgerStore;
  clock: Clock;
  /** Each run's stop record: written before its signal (or when taken in), so the stop watch leaves it alone and its end wakes the fleet. */
  stopRecords: StopRecords;
}

/** Claims written ahead of the signals, at most this many at once (a second's worth at the highest rate). */
const CLAIMS_AHEAD = 50;

/**
 * Writes the runs' stop records, each once, before their signals: the next ones are written ahead
 * so that a signal seldom waits for its own. They go at the signals' pace - one per signal, at most
 * CLAIMS_AHEAD ahead - and those of runs taken in at the pace of every call (PutStopRecord). A
 * record that cannot be written is logged and counted, never a reason not to stop the run.
 */
function runClaims(ledger: FleetLedger, deps: SweepDependencies, call: Call) {
  const pending = new Map<FleetRun, Promise<void>>();
  // Claims still being written: the bound on how far ahead of the signals they go.
  let inFlight = 0;
  const claim = (run: FleetRun, signalled: boolean): Promise<void> => {
    if (run.claimed) return Promise.resolve();
    let claiming = pending.get(run);
    if (!claiming) {
      inFlight += 1;
      claiming = (async () => {
        const claim = {
          pipelineExecutionArn: run.arn,
          stopExecutionArn: ledger.executionId,
          signalled,
          at: new Date(deps.clock.now()).toISOString(),
        };
        if (await claimOrCount(deps.stopRecords, claim)) run.claimed = true;
        inFlight -= 1;
      })();
      pending.set(run, claiming);
    }
    return claiming;
  };
  return {
    /** The record of `run` (undefined when written already: the signal goes on without a pause), and the next runs' written ahead. */
    beforeSignal(run: FleetRun): Promise<void> | undefined {
      let ahead = 0;
      for (let index = ledger.nextSignal; index < ledger.runs.length && ahead < CLAIMS_AHEAD && inFlight < CLAIMS_AHEAD; index += 1) {
        const next = ledger.runs[index] as FleetRun;
        if (!isSignalPending(next) || next.claimed || pending.has(next)) continue;
        void claim(next, true);
        ahead += 1;
      }
      return run.claimed ? undefined : claim(run, true);
    },
    /** Runs that were Stopping when listed: recorded in the first cycle, for their end to wake the fleet. */
    async takenIn(until: number): Promise<void> {
      for (const run of ledger.runs) {
        if (fleetSeconds(ledger, deps.clock) >= until) return;
        if (run.listedStatus !== 'Stopping' || isEnded(run) || run.claimed) continue;
        await call('PutStopRecord');
        await claim(run, false);
      }
    },
    settled: (): Promise<unknown> => Promise.all(pending.values()),
  };
}

const at = (ms: number): string => new Date(ms).toISOString();
type Call = PacedCall;

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'Error');
const errorText = (error: unknown): string => clip(error instanceof Error ? error.message : String(error), CAUSE_LENGTH);

/** Sends StopPipelineExecution to one run, once (the caller retries a transient answer later). */
async function signal(run: FleetRun, ledger: FleetLedger, deps: SweepDependencies, call: Call): Promise<void> {
  const attempts = (run.retry?.attempts ?? 0) + 1;
  await call('StopPipelineExecution');
  const now = (): number => deps.clock.now();
  try {
    await deps.sagemaker.send(
      new StopPipelineExecutionCommand({
        PipelineExecutionArn: run.arn,
        // The same token for every attempt of this stop-all on this run: a retry is the same stop.
        ClientRequestToken: deriveClientRequestToken(`${ledger.executionId}:${run.arn}`, 'stop-all'),
      }),
    );
    run.signal = { at: now(), result: 'Accepted', attempts };
  } catch (error) {
    if (isNotExecutingError(error)) run.signal = { at: now(), result: 'NotExecuting', attempts };
    else if (isNotFoundError(error)) {
      run.signal = { at: now(), result: 'Rejected', attempts };
      run.error = {
        name: 'PipelineExecutionNotFound',
        cause: `SageMaker no longer knows pipeline execution ${run.arn} (was the pipeline deleted?).`,
      };
    } else if (isTransientError(error) && attempts < MAX_SIGNAL_ATTEMPTS) {
      const backoff = SIGNAL_BACKOFF_SECONDS[attempts - 1] ?? 30;
      run.retry = { attempts, at: fleetSeconds(ledger, deps.clock) + backoff, error: errorName(error) };
      return;
    } else {
      run.signal = { at: now(), result: 'Rejected', attempts };
      run.error = isTransientError(error)
        ? {
            name: 'SageMakerUnavailable',
            cause: `StopPipelineExecution of ${run.arn} got no usable answer in ${attempts} attempts (${errorName(error)}: ${errorText(error)}).`,
          }
        : { name: 'StopRejected', cause: `SageMaker refused to stop ${run.arn}: ${errorName(error)}: ${errorText(error)}` };
    }
  }
  delete run.retry;
  run.drainFrom = run.signal.at;
  ledger.lastSignalAt = run.signal.at;
}

/** Signals the runs not yet signalled, in order (retries when due), at the pace, until `until` (fleet seconds). */
async function signalRuns(
  ledger: FleetLedger,
  deps: SweepDependencies,
  call: Call,
  until: number,
  claims: ReturnType<typeof runClaims>,
): Promise<void> {
  const now = (): number => fleetSeconds(ledger, deps.clock);
  // The runs waiting to retry a signal: a handful at most, kept aside so no signal scans the whole fleet.
  const retrying = new Set(ledger.runs.filter((run) => run.retry !== undefined && isSignalPending(run)));
  while (now() < until) {
    // The cursor passes every run that is not waiting for its first signal; retries are found when due.
    while (ledger.nextSignal < ledger.runs.length) {
      const next = ledger.runs[ledger.nextSignal] as FleetRun;
      if (isSignalPending(next) && next.retry === undefined) break;
      ledger.nextSignal += 1;
    }
    for (const run of retrying) if (!isSignalPending(run)) retrying.delete(run);
    const dueRetry = [...retrying].find((run) => (run.retry?.at ?? 0) <= now());
    const run = dueRetry ?? ledger.runs[ledger.nextSignal];
    if (run) {
      const claiming = claims.beforeSignal(run);
      if (claiming) await claiming;
      await signal(run, ledger, deps, call);
      if (run.retry !== undefined) retrying.add(run);
      else retrying.delete(run);
      // Answered or waiting for a retry, the cursor passes it.
      if (run === ledger.runs[ledger.nextSignal]) ledger.nextSignal += 1;
      continue;
    }
    if (retrying.size === 0) return;
    const next = Math.min(...[...retrying].map((candidate) => candidate.retry?.at ?? 0));
    if (next >= until) return;
    await deps.clock.sleep(Math.max(0.01, next - now()));
  }
}

/** Reads every live run's status: one ListPipelineExecutions page per 100 runs of a pipeline, within the live runs' window. */
async function readStatuses(ledger: FleetLedger, deps: SweepDependencies, call: Call): Promise<void> {
  const live = ledger.runs.filter((run) => !isEnded(run));
  const byPipeline = new Map<string, FleetRun[]>();
  for (const run of live) {
    const runs = byPipeline.get(run.pipelineName);
    if (runs) runs.push(run);
    else byPipeline.set(run.pipelineName, [run]);
  }
  for (const [pipelineName, runs] of byPipeline) {
    const byArn = new Map(runs.map((run) => [run.arn, run]));
    const starts = runs.map((run) => run.startedAt);
    const oldest = starts.includes(null) ? undefined : Math.min(...(starts as number[]));
    const seen = new Set<string>();
    let nextToken: string | undefined;
    let pages = 0;
    try {
      do {
        await call('ListPipelineExecutions');
        const page = await deps.sagemaker.send(
          new ListPipelineExecutionsCommand({
            PipelineName: pipelineName,
            // The window of the live runs: from just before the oldest to the listing.
            ...(oldest === undefined ? {} : { CreatedAfter: new Date(oldest - 1000) }),
            CreatedBefore: new Date(ledger.listedAt),
            SortBy: 'CreationTime',
            SortOrder: 'Ascending',
            MaxResults: PAGE_SIZE,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        pages += 1;
        for (const summary of page.PipelineExecutionSummaries ?? []) {
          const run = summary.PipelineExecutionArn ? byArn.get(summary.PipelineExecutionArn) : undefined;
          if (run) {
            seen.add(run.arn);
            observe(run, summary, deps.clock.now());
          }
        }
        nextToken = page.NextToken;
      } while (nextToken && pages < MAX_LISTING_PAGES);
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
      for (const run of runs)
        run.error = { name: 'PipelineExecutionNotFound', cause: `SageMaker no longer knows pipeline ${pipelineName} (was it deleted?).` };
      continue;
    }
    if (nextToken) continue; // Not every page was read: a run not seen may be on the next one.
    for (const run of runs) {
      if (seen.has(run.arn)) delete run.missed;
      else if ((run.missed = (run.missed ?? 0) + 1) >= MISSES_BEFORE_NOT_FOUND) {
        run.error = {
          name: 'PipelineExecutionNotFound',
          cause: `SageMaker no longer lists pipeline execution ${run.arn} (was the pipeline deleted?).`,
        };
      }
    }
  }
}

function observe(run: FleetRun, summary: PipelineExecutionSummary, now: number): void {
  const status = (summary.PipelineExecutionStatus ?? run.status) as ExecutionStatus;
  // The first sight after a refused signal says whose stop it was: another's (Stopping) or none (ended).
  // SageMaker said it was no longer Executing: an Executing status is a page read before that.
  if (run.signal?.result === 'NotExecuting' && run.statusAtStop === undefined && status !== 'Executing') run.statusAtStop = status;
  run.status = status;
  if (summary.PipelineExecutionFailureReason) run.failureReason = clip(summary.PipelineExecutionFailureReason, CAUSE_LENGTH);
  if (isTerminalStatus(status) && run.endedAt === undefined) run.endedAt = now;
}

const secondsSinceDrain = (run: FleetRun, clock: Clock): number =>
  run.drainFrom === undefined ? -1 : clock.secondsSince(at(run.drainFrom));

/** Reads a run's steps (every page), paced: for a release, or to name what failed or still drains. */
async function stepsOf(run: FleetRun, deps: SweepDependencies, call: Call): Promise<PipelineExecutionStep[]> {
  return listAllSteps(deps.sagemaker, run.arn, () => call('ListPipelineExecutionSteps'));
}

/**
 * Past each live run's deadline: timed out. Past its grace: its callback steps released (checked at
 * the grace, then every RELEASE_RECHECK_SECONDS while it drains, MAX_RELEASE_CHECKS times at most).
 * Runs that ended Failed or timed out get their steps read once, for the report (the first
 * MAX_REPORTED_RUNS of them). Stops at `until` (fleet seconds) and carries on next cycle.
 */
async function actOnRuns(ledger: FleetLedger, deps: SweepDependencies, call: Call, until: number): Promise<void> {
  const { request } = ledger;
  const maxWait = request.maxWaitSeconds ?? Number.POSITIVE_INFINITY;
  for (const run of ledger.runs) {
    if (!isEnded(run) && run.drainFrom !== undefined && secondsSinceDrain(run, deps.clock) >= maxWait) run.timedOut = true;
  }
  const grace = request.releaseCallbacksAfterSeconds;
  if (grace !== undefined) {
    for (const run of ledger.runs) {
      if (fleetSeconds(ledger, deps.clock) >= until) return;
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
          ...(request.reason === undefined ? {} : { reason: request.reason }),
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
  }
  if (!(await readEndTimes(ledger, deps, call, until))) return;
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

/**
 * A drain lasts until SageMaker ended the run, not until a sweep saw it ended (up to a cycle later):
 * each run that ended after its drain began gets its end time from SageMaker once (the run's
 * LastModifiedTime: its last status change), at DescribePipelineExecution's own pace, within the
 * cycle; one not read keeps the time it was noticed. False when the cycle's time ran out.
 */
async function readEndTimes(ledger: FleetLedger, deps: SweepDependencies, call: Call, until: number): Promise<boolean> {
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
 * One cycle of the fleet: signals the next runs at the pace for most of a sweep period while the
 * sweep reads every live run's status in bulk (the two at once, each operation at its own pace),
 * then times out runs past their deadline, releases callback steps past their grace and names the
 * steps of runs that failed. Holds nothing between cycles: the Wait state sleeps, the ledger remembers.
 */
export async function signalAndSweep(state: ListedState, deps: SweepDependencies): Promise<ListedState> {
  const started = deps.clock.now();
  const ledger = await deps.ledgers.read(state.ledger);
  const period = cycleSeconds(ledger.runs.length, ledger.request.signalRatePerSecond, ledger.request.maxWaitSeconds ?? 0);
  const start = fleetSeconds(ledger, deps.clock);
  const call = pacedCalls(ledger, deps.clock);
  // Each operation has its own pace, so the signals never wait for the sweep or the releases: both
  // go on for the period (a second stays for the ledger's write) while the sweep reads every status
  // and then acts on what it read.
  const until = start + Math.max(1, period - 1);
  const claims = runClaims(ledger, deps, call);
  const sweep = async (): Promise<void> => {
    await readStatuses(ledger, deps, call);
    await actOnRuns(ledger, deps, call, until);
  };
  await Promise.all([signalRuns(ledger, deps, call, until, claims), sweep(), ledger.cycles === 0 ? claims.takenIn(until) : undefined]);
  await claims.settled();
  ledger.cycles += 1;
  call.keep();
  await deps.ledgers.write(state.ledger, ledger);
  return { ...state, progress: progressOf(ledger, deps.clock, started) };
}

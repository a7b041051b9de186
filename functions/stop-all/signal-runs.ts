/** The signals: StopPipelineExecution to each run once, in order, at the pace; a transient answer retried later with backoff. */
import { StopPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { isNotExecutingError, isNotFoundError } from '#pipeline-runs/sagemaker-errors.js';
import { isTransientError } from '#commons/service-errors.js';
import { deriveClientRequestToken } from '#commons/tokens.js';
import { fleetSeconds, isSignalPending } from './fleet-progress.js';
import type { FleetLedger, FleetRun } from './model.js';
import type { StopRecordWriter } from './stop-records-ahead.js';
import { errorName, errorText, type Call, type SweepDependencies } from './sweep-dependencies.js';

/** A transient answer to a signal (ConflictException, throttling, 5xx, timeouts) is retried this many times in all, with backoff. */
export const MAX_SIGNAL_ATTEMPTS = 6;
const SIGNAL_BACKOFF_SECONDS = [2, 4, 8, 16, 30];

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
export async function signalRuns(
  ledger: FleetLedger,
  deps: SweepDependencies,
  call: Call,
  until: number,
  records: StopRecordWriter,
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
      const writing = records.beforeSignal(run);
      if (writing) await writing;
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

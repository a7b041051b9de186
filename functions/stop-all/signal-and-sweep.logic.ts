import { cycleSeconds, fleetSeconds, progressOf } from './fleet-progress.js';
import type { ListedState } from './model.js';
import { pacedCalls } from './paced-calls.js';
import { readStatuses } from './read-statuses.js';
import { releaseAfterGrace } from './release-after-grace.js';
import { nameEndedRuns, readEndTimes } from './report-ended-runs.js';
import { signalRuns } from './signal-runs.js';
import { stopRecordWriter } from './stop-records-ahead.js';
import type { SweepDependencies } from './sweep-dependencies.js';

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
  const records = stopRecordWriter(ledger, deps, call);
  const sweep = async (): Promise<void> => {
    await readStatuses(ledger, deps, call);
    // Each part stops when the cycle's time runs out; the next cycle carries on where it stopped.
    if (!(await releaseAfterGrace(ledger, deps, call, until))) return;
    if (!(await readEndTimes(ledger, deps, call, until))) return;
    await nameEndedRuns(ledger, deps, call, until);
  };
  await Promise.all([signalRuns(ledger, deps, call, until, records), sweep(), ledger.cycles === 0 ? records.takenIn(until) : undefined]);
  await records.settled();
  ledger.cycles += 1;
  call.keep();
  await deps.ledgers.write(state.ledger, ledger);
  return { ...state, progress: progressOf(ledger, deps.clock, started) };
}

import { writeStopRecord } from '#stop-records/stop-records.js';
import { fleetSeconds, isEnded, isSignalPending } from './fleet-progress.js';
import type { FleetLedger, FleetRun } from './model.js';
import type { Call, SweepDependencies } from './sweep-dependencies.js';

/** Stop records written ahead of the signals, at most this many at once (a second's worth at the highest rate). */
const RECORDS_AHEAD = 50;

/**
 * Writes the runs' stop records, each once, before their signals: the next ones are written ahead
 * so that a signal seldom waits for its own. They go at the signals' pace - one per signal, at most
 * RECORDS_AHEAD ahead - and those of runs taken in at the pace of every call (PutStopRecord). A
 * record that cannot be written is logged and counted, never a reason not to stop the run.
 */
export function stopRecordWriter(ledger: FleetLedger, deps: SweepDependencies, call: Call) {
  const pending = new Map<FleetRun, Promise<void>>();
  // Stop records still being written: the bound on how far ahead of the signals they go.
  let inFlight = 0;
  const writeRecord = (run: FleetRun, signalled: boolean): Promise<void> => {
    if (run.recorded) return Promise.resolve();
    let writing = pending.get(run);
    if (!writing) {
      inFlight += 1;
      writing = (async () => {
        const record = {
          pipelineExecutionArn: run.arn,
          stopExecutionArn: ledger.executionId,
          signalled,
          at: new Date(deps.clock.now()).toISOString(),
        };
        if (await writeStopRecord(deps.stopRecords, record)) run.recorded = true;
        inFlight -= 1;
      })();
      pending.set(run, writing);
    }
    return writing;
  };
  return {
    /** The record of `run` (undefined when written already: the signal goes on without a pause), and the next runs' written ahead. */
    beforeSignal(run: FleetRun): Promise<void> | undefined {
      let ahead = 0;
      for (let index = ledger.nextSignal; index < ledger.runs.length && ahead < RECORDS_AHEAD && inFlight < RECORDS_AHEAD; index += 1) {
        const next = ledger.runs[index] as FleetRun;
        if (!isSignalPending(next) || next.recorded || pending.has(next)) continue;
        void writeRecord(next, true);
        ahead += 1;
      }
      return run.recorded ? undefined : writeRecord(run, true);
    },
    /** Runs that were Stopping when listed: recorded in the first cycle, for their end to wake the fleet. */
    async takenIn(until: number): Promise<void> {
      for (const run of ledger.runs) {
        if (fleetSeconds(ledger, deps.clock) >= until) return;
        if (run.listedStatus !== 'Stopping' || isEnded(run) || run.recorded) continue;
        await call('PutStopRecord');
        await writeRecord(run, false);
      }
    },
    settled: (): Promise<unknown> => Promise.all(pending.values()),
  };
}

export type StopRecordWriter = ReturnType<typeof stopRecordWriter>;

import type { Clock } from '#commons/clock.js';
import { isTerminalStatus } from '#pipeline-runs/pipeline-execution.js';
import type { FleetLedger, FleetProgress, FleetRun } from './model.js';

/** A run's end is noticed within this many seconds: the sweep reads every status once a period. */
export const SWEEP_PERIOD_SECONDS = 25;
/** History events one cycle adds at most (Task 5, Choice 2, Wait 2), and the events a stop-all may spend on cycles. */
export const EVENTS_PER_CYCLE = 9;
export const CYCLE_EVENT_BUDGET = 22_500;
/** A cycle whose sleep a run's end can cut short: Wait For Run Events is a Task of 6 events where the Wait has 2. */
export const EVENTS_PER_WAKEABLE_CYCLE = 13;
/** The longest cycle: the Lambda function's timeout (180 s) leaves room for its last calls. */
export const MAX_CYCLE_SECONDS = 120;

/**
 * How long one cycle (signal for a while, then sweep) lasts: SWEEP_PERIOD_SECONDS, stretched only
 * when the signals and the deadline would otherwise need more cycles than Step Functions' 25,000
 * history events allow (for example 10,000 runs at 1 a second with a 24-hour deadline).
 */
export function cycleSeconds(runs: number, signalRatePerSecond: number, maxWaitSeconds: number): number {
  const seconds = runs / signalRatePerSecond + maxWaitSeconds;
  const cycles = Math.floor(CYCLE_EVENT_BUDGET / EVENTS_PER_CYCLE);
  return Math.min(MAX_CYCLE_SECONDS, Math.max(SWEEP_PERIOD_SECONDS, Math.ceil(seconds / cycles)));
}

/**
 * Whose stop a run is: ours when SageMaker accepted our signal (only one stop of a run is ever
 * accepted, so one stop-all counts it); taken in when another stop was already draining it (listed
 * Stopping, or our signal refused while it was Stopping); neither when it ended before any stop.
 */
export function originOf(run: FleetRun): 'Signalled' | 'TakenIn' | 'EndedFirst' {
  if (run.signal?.result === 'Accepted') return 'Signalled';
  if (run.listedStatus === 'Stopping' || run.statusAtStop === 'Stopping') return 'TakenIn';
  return run.signal?.result === 'NotExecuting' ? 'EndedFirst' : 'Signalled';
}

export const isEnded = (run: FleetRun): boolean => run.endedAt !== undefined || run.timedOut === true || run.error !== undefined;
export const isSignalPending = (run: FleetRun): boolean => run.listedStatus === 'Executing' && run.signal === undefined && !isEnded(run);

/** The fleet's time line: the listing (epoch ms) as an ISO time, for `clock.secondsSince`. */
export const fleetOrigin = (ledger: Pick<FleetLedger, 'listedAt'>): string => new Date(ledger.listedAt).toISOString();

/** Seconds since the listing on the clock (a local time scale compresses them). */
export const fleetSeconds = (ledger: Pick<FleetLedger, 'listedAt'>, clock: Clock): number => clock.secondsSince(fleetOrigin(ledger));

/** Seconds on the clock from one epoch-ms time to another (a local time scale stretches them), to a tenth. */
export function secondsBetween(clock: Clock, fromMs: number, toMs: number): number {
  const seconds = clock.secondsSince(new Date(fromMs).toISOString()) - clock.secondsSince(new Date(toMs).toISOString());
  return Math.round(seconds * 10) / 10;
}

/** Seconds from a run's drain start to its noticed end, on the clock; null when either is unknown. */
export function drainSecondsOf(run: FleetRun, clock: Clock): number | null {
  if (run.drainFrom === undefined || run.endedAt === undefined) return null;
  return Math.max(0, secondsBetween(clock, run.drainFrom, run.endedAt));
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

/** The fleet's counts from its ledger: what the state carries and the CLI shows. */
export function progressOf(ledger: FleetLedger, clock: Clock, cycleStartedAt = clock.now()): FleetProgress {
  const ended: Record<string, number> = {};
  let signalled = 0;
  let accepted = 0;
  let takenIn = 0;
  let draining = 0;
  let timedOut = 0;
  let errored = 0;
  let released = 0;
  let toSignal = 0;
  let pending = 0;
  let unsent = 0;
  const drains: number[] = [];
  for (const run of ledger.runs) {
    if (run.listedStatus === 'Executing') toSignal += 1;
    if (run.signal) signalled += 1;
    if (run.signal?.result === 'Accepted') accepted += 1;
    if (originOf(run) === 'TakenIn') takenIn += 1;
    released += run.released ?? 0;
    if (isSignalPending(run)) {
      pending += 1;
      if (run.retry === undefined) unsent += 1;
    }
    if (run.error) errored += 1;
    else if (run.timedOut) timedOut += 1;
    else if (run.endedAt !== undefined && isTerminalStatus(run.status)) {
      ended[run.status] = (ended[run.status] ?? 0) + 1;
      const drain = drainSecondsOf(run, clock);
      if (drain !== null) drains.push(drain);
    } else draining += 1;
  }
  const done = pending === 0 && draining === 0;
  const period = cycleSeconds(ledger.runs.length, ledger.request.signalRatePerSecond, ledger.request.maxWaitSeconds ?? 0);
  const spent = clock.secondsSince(new Date(cycleStartedAt).toISOString());
  const typicalDrainSeconds = median(drains);
  const signalsLeftSeconds = pending / ledger.request.signalRatePerSecond;
  return {
    selected: ledger.runs.length,
    toSignal,
    signalled,
    accepted,
    takenIn,
    draining,
    ended,
    timedOut,
    errored,
    released,
    elapsedSeconds: Math.round(fleetSeconds(ledger, clock)),
    typicalDrainSeconds,
    etaSeconds: done ? 0 : typicalDrainSeconds === null ? null : Math.round(signalsLeftSeconds + typicalDrainSeconds),
    // Signals never sent go on at once; signals waiting for a retry wait with the sweep (the next cycle retries them).
    signalling: unsent > 0,
    done,
    nextWaitSeconds: done || unsent > 0 ? 0 : Math.max(1, Math.round(period - spent)),
    wakeable: !done && hasRoomForWakeUps(ledger, clock, period),
    cycles: ledger.cycles,
  };
}

/**
 * Whether the fleet's sleep may be cut short by a run's end: every extra cycle spends history
 * events, so only while the cycles so far, the ones the deadline still needs at this period and one
 * more all fit in the budget as wakeable cycles. Otherwise the plain Wait sleeps the period out.
 */
export function hasRoomForWakeUps(ledger: FleetLedger, clock: Clock, period: number): boolean {
  const lastingSeconds = ledger.runs.length / ledger.request.signalRatePerSecond + (ledger.request.maxWaitSeconds ?? 0);
  const cyclesLeft = Math.ceil(Math.max(0, lastingSeconds - fleetSeconds(ledger, clock)) / period);
  return (ledger.cycles + cyclesLeft + 1) * EVENTS_PER_WAKEABLE_CYCLE <= CYCLE_EVENT_BUDGET;
}

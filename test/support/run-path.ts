/**
 * What a run on the embedded engine did, read from its event history: the
 * states it entered (with Retry and Catch marked where they happened), how
 * often, and what a state received. Shared by the state-machine, e2e and
 * entry-point tests.
 */
import type { OutputDocument } from '#graceful-stop/model.js';
import type { RunResult } from '#local/engine/runner.js';

/** The graceful-stop state names, as the ASL spells them. */
export const S = {
  capture: 'Capture Input',
  stop: 'Stop Pipeline Execution',
  check: 'Check Pipeline Execution',
  drained: 'Pipeline Drained?',
  wait: 'Wait For Drain',
  release: 'Release Callback Steps',
  leftovers: 'Stop Leftover Jobs',
  report: 'Report Outcome',
  publish: 'Publish Completion Event',
  endedWell: 'Ended Well?',
  succeeded: 'Graceful Stop Succeeded',
  invalidInput: 'Invalid Input',
  notFound: 'Pipeline Execution Not Found',
  failed: 'Pipeline Execution Failed',
  notRunning: 'Pipeline Execution Not Running',
  notStopping: 'Pipeline Execution Not Stopping',
  drainTimedOut: 'Drain Timed Out',
  errored: 'Graceful Stop Errored',
} as const;

/**
 * The drain loop's wait has two forms: a Wait state, or Wait For Run Events, which a run's end event
 * can cut short and which otherwise ends by its timeout (caught: the next poll). Which one a round
 * takes depends on how far the next poll is, i.e. on timing: paths show both as S.wait, without that
 * timeout. The suites that are about the event wait read the events themselves.
 */
export const EVENT_WAIT = 'Wait For Run Events';
/** The plain wait of the machine that ran: Wait For Sweep in stop-all, Wait For Drain in the graceful stop. */
const plainWaitOf = (result: Pick<RunResult, 'executionArn'>): string =>
  result.executionArn.includes(':stop-all:') ? 'Wait For Sweep' : S.wait;

/** Markers for the retry and catch events in a path. */
export const retried = (state: string): string => `retried: ${state}`;
export const caught = (state: string): string => `caught: ${state}`;
export const isMarker = (entry: string): boolean => entry.startsWith('retried: ') || entry.startsWith('caught: ');

/**
 * The path an execution took: every StateEntered name in order, with
 * StateRetried and StateCaught events marked where they happened.
 */
export function pathOf(result: RunResult): string[] {
  return result.events.flatMap((event) => {
    const name = event.state?.name ?? '?';
    if (event.type === 'StateEntered') return [name === EVENT_WAIT ? plainWaitOf(result) : name];
    if (event.type === 'StateRetried') return [retried(name)];
    if (event.type === 'StateCaught') return name === EVENT_WAIT ? [] : [caught(name)];
    return [];
  });
}

/** How many times the run entered a state. */
export const timesEntered = (result: RunResult, state: string): number =>
  result.events.filter(
    (event) => event.type === 'StateEntered' && (event.state?.name === EVENT_WAIT ? plainWaitOf(result) : event.state?.name) === state,
  ).length;

/** The input a state received the last time it was entered (for Fail states: the report). */
export function lastInputOf(result: RunResult, state: string): Record<string, unknown> {
  const entered = result.events.filter((event) => event.type === 'StateEntered' && event.state?.name === state).at(-1);
  if (!entered) throw new Error(`The run never entered "${state}".`);
  return entered.state?.input as Record<string, unknown>;
}

/**
 * The path with the drain loop collapsed: consecutive rounds of
 * Check → Drained? → Wait show as one round, so a test can state the shape of
 * a run whose number of polls depends on timing. Retry and Catch markers are dropped.
 */
export function shapeOf(result: RunResult): string[] {
  const path = pathOf(result).filter((name) => !isMarker(name));
  const round: string[] = [S.check, S.drained, S.wait];
  const isRoundAt = (list: string[], at: number): boolean => at >= 0 && round.every((state, k) => list[at + k] === state);
  const shape: string[] = [];
  for (let i = 0; i < path.length;) {
    if (isRoundAt(path, i)) {
      if (!isRoundAt(shape, shape.length - 3)) shape.push(...round);
      i += 3;
    } else {
      shape.push(path[i] ?? '?');
      i += 1;
    }
  }
  return shape;
}

/** The report a Fail state received (failed runs have no output; their document is here). */
export function failedReport(result: RunResult, failState: string): { error?: string; cause?: string; document: OutputDocument } {
  return (lastInputOf(result, failState) as { result: { error?: string; cause?: string; document: OutputDocument } }).result;
}

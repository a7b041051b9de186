/**
 * A run ended (SageMaker's status change event says Stopped, Failed or Succeeded): every stop of
 * this stack waiting on it is woken now, instead of at its next poll. The stop records say who is
 * on the run; each one's current wait token is answered with SendTaskSuccess, and the stop polls at
 * once and sees the end. A duplicate or late event finds no wait (taken by the first) or a token
 * Step Functions no longer knows (the wait timed out into its poll): nothing changes.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Clock } from '#commons/clock.js';
import { createPacer } from '#commons/pacer.js';
import { TERMINAL_STATUSES } from '#pipeline-runs/pipeline-execution.js';
import { parseRunStatusChange } from '#pipeline-runs/run-events.js';
import type { StopRecords } from '#stop-records/stop-records.js';
import { answerWait } from '#stop-records/waits.js';

/** SendTaskSuccess a second at most (one event wakes at most MAX_STOPS_PER_RUN stops). */
export const WAKE_CALLS_PER_SECOND = 10;

export interface WakeReport {
  pipelineExecutionArn: string;
  status: string;
  /** Stops of this stack on the run. */
  stops: number;
  /** Waits ended by this event. */
  woken: number;
  /** Waits that had already ended (timed out into their poll, or woken by an earlier copy of the event). */
  alreadyEnded: number;
}

export async function endWaits(event: unknown, deps: { sfn: SFNClient; stopRecords: StopRecords; clock: Clock }): Promise<WakeReport> {
  const change = parseRunStatusChange(event);
  const report: WakeReport = {
    pipelineExecutionArn: change.pipelineExecutionArn,
    status: change.status,
    stops: 0,
    woken: 0,
    alreadyEnded: 0,
  };
  // Only an end ends a drain; the rule matches only those, and anything else changes nothing.
  if (!TERMINAL_STATUSES.includes(change.status)) return report;
  const stops = await deps.stopRecords.stopsOn(change.pipelineExecutionArn);
  report.stops = stops.length;
  if (stops.length === 0) return report;
  // First for the checks watching the run from inside their function: they look every second.
  await deps.stopRecords.markEnded(change.pipelineExecutionArn, change.status, new Date(deps.clock.now()).toISOString());
  const pacer = createPacer(WAKE_CALLS_PER_SECOND, deps.clock);
  for (const stop of stops) {
    const wait = await deps.stopRecords.takeWait(stop);
    if (!wait) {
      report.alreadyEnded += 1;
      continue;
    }
    await pacer.take();
    const output = { wokenBy: 'RunStatusChange', pipelineExecutionArn: change.pipelineExecutionArn, status: change.status };
    if (await answerWait(deps.sfn, wait.taskToken, output)) report.woken += 1;
    else report.alreadyEnded += 1;
  }
  return report;
}

/**
 * The wait between two polls of a drain, as a task that a run's terminal event can end early:
 * the state machine hands this function its task token (`.waitForTaskToken`) and waits until the
 * token is answered or its timeout - the poll interval - passes; this function only keeps the token
 * where the run's end event will find it. If it cannot, it throws by name and the state machine
 * falls back to a plain Wait: the poll still comes on time.
 */
import type { Clock } from '#commons/clock.js';
import type { StopRecords } from '#stop-records/stop-records.js';
import { keepWait, type WaitRegistered } from '#stop-records/waits.js';

export type { WaitRegistered };

export function waitForRunEvents(raw: unknown, deps: { stopRecords: StopRecords; clock: Clock }): Promise<WaitRegistered> {
  return keepWait(raw, deps);
}

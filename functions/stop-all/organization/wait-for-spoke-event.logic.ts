/**
 * The wait between two looks at a target's stop-all, as a task its completion event can end early:
 * the state machine hands over its task token, kept here under the spoke's execution ARN, where the
 * forwarded Stop All Completed event finds it (end-spoke-waits). If it cannot be kept, the error's
 * name sends the state machine to a plain Wait: the next look still comes on time.
 */
import type { Clock } from '#commons/clock.js';
import type { StopRecords } from '#stop-records/stop-records.js';
import { parseWaitRequest } from '#stop-records/wait-request.js';

export async function waitForSpokeEvent(raw: unknown, deps: { stopRecords: StopRecords; clock: Clock }): Promise<{ registered: true }> {
  const request = parseWaitRequest(raw);
  await deps.stopRecords.registerWait({ ...request, at: new Date(deps.clock.now()).toISOString() });
  return { registered: true };
}

/**
 * A spoke's stop-all ended (its Stop All Completed event, forwarded to the hub's bus): the
 * organization stop waiting for that spoke is woken now, instead of at its next look. A duplicate or
 * late event finds no wait (taken by the first) or a token Step Functions no longer knows: nothing changes.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { InvalidInput } from '#commons/errors.js';
import { describeValue, isPlainObject } from '#commons/validation.js';
import { stopDigestOf, type StopRecords } from '#stop-records/stop-records.js';
import { answerWait } from '#stop-records/waits.js';

export interface SpokeWake {
  spokeExecutionArn: string;
  woken: boolean;
}

/** The spoke stop-all's execution ARN from its completion event (the event's one resource). */
export function spokeExecutionOf(event: unknown): string {
  const resources = isPlainObject(event) ? event.resources : undefined;
  const arn = Array.isArray(resources) ? resources[0] : undefined;
  if (typeof arn !== 'string' || !/^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) {
    throw new InvalidInput(
      `The event's resources[0] is ${describeValue(arn)}; expected the Stop All Completed event's stop-all execution ARN.`,
    );
  }
  return arn;
}

export async function endSpokeWaits(event: unknown, deps: { sfn: SFNClient; stopRecords: StopRecords }): Promise<SpokeWake> {
  const spokeExecutionArn = spokeExecutionOf(event);
  const wait = await deps.stopRecords.takeWait(stopDigestOf(spokeExecutionArn));
  if (!wait) return { spokeExecutionArn, woken: false };
  return { spokeExecutionArn, woken: await answerWait(deps.sfn, wait.taskToken, { wokenBy: 'StopAllCompleted', spokeExecutionArn }) };
}

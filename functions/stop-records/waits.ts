/**
 * A wait that an event can end early, both halves, one way for the drain's wake-up and the
 * organization stop's: keeping the state machine's task token under the execution waited for, and
 * answering it (SendTaskSuccess) when the event comes. A token whose task is already over - timed out
 * into its next look, or answered by an earlier copy of the event - changes nothing.
 */
import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Clock } from '#commons/clock.js';
import { InvalidInput, isErrorNamed } from '#commons/errors.js';
import { describeValue, isPlainObject } from '#commons/validation.js';
import type { StopRecords } from './stop-records.js';

export interface WaitRequest {
  /** `$$.Task.Token`. */
  taskToken: string;
  /** The execution the wait is keyed by: the stop that waits (`$$.Execution.Id`), or the spoke stop-all an organization stop waits for. */
  stopExecutionArn: string;
}

/** Step Functions task tokens are opaque and up to 1,024 characters. */
const MAX_TOKEN_LENGTH = 1024;

export function parseWaitRequest(raw: unknown): WaitRequest {
  if (!isPlainObject(raw)) throw new InvalidInput(`The wait's input is ${describeValue(raw)}; expected { taskToken, stopExecutionArn }.`);
  const { taskToken, stopExecutionArn } = raw;
  if (typeof taskToken !== 'string' || taskToken === '' || taskToken.length > MAX_TOKEN_LENGTH) {
    throw new InvalidInput(
      `The wait's taskToken is ${typeof taskToken === 'string' ? `${taskToken.length} characters` : describeValue(taskToken)}; expected $$.Task.Token (1-${MAX_TOKEN_LENGTH} characters).`,
    );
  }
  if (typeof stopExecutionArn !== 'string' || !stopExecutionArn.includes(':states:')) {
    throw new InvalidInput(
      `The wait's stopExecutionArn is ${describeValue(stopExecutionArn)}; expected $$.Execution.Id, or the execution ARN of the spoke stop-all waited for.`,
    );
  }
  return { taskToken, stopExecutionArn };
}

export interface WaitRegistered {
  registered: true;
}

/** Keeps a wait's task token where the event that ends it will find it. */
export async function keepWait(raw: unknown, deps: { stopRecords: StopRecords; clock: Clock }): Promise<WaitRegistered> {
  const request = parseWaitRequest(raw);
  await deps.stopRecords.registerWait({ ...request, at: new Date(deps.clock.now()).toISOString() });
  return { registered: true };
}

/** What Step Functions answers for a token whose task is over. */
const isClosedTask = (error: unknown): boolean => isErrorNamed(error, 'TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken');

/** Ends a kept wait now; false when its task was already over (nothing changes then). */
export async function answerWait(sfn: SFNClient, taskToken: string, output: Record<string, unknown>): Promise<boolean> {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return true;
  } catch (error) {
    if (!isClosedTask(error)) throw error;
    return false;
  }
}

/**
 * The wait between two polls of a drain, as a task that a run's terminal event can end early:
 * the state machine hands this function its task token (`.waitForTaskToken`) and waits until the
 * token is answered or its timeout - the poll interval - passes; this function only keeps the token
 * where the run's end event will find it. If it cannot, it throws by name and the state machine
 * falls back to a plain Wait: the poll still comes on time.
 */
import { InvalidInput } from '#commons/errors.js';
import type { Clock } from '#commons/clock.js';
import type { StopRecords } from '#stop-records/stop-records.js';
import { describeValue, isPlainObject } from '#commons/validation.js';

export interface WaitRequest {
  /** `$$.Task.Token`. */
  taskToken: string;
  /** `$$.Execution.Id`: the stop (graceful stop or stop-all) that waits. */
  stopExecutionArn: string;
}

export interface WaitRegistered {
  registered: true;
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
    throw new InvalidInput(`The wait's stopExecutionArn is ${describeValue(stopExecutionArn)}; expected $$.Execution.Id.`);
  }
  return { taskToken, stopExecutionArn };
}

export async function waitForRunEvents(raw: unknown, deps: { stopRecords: StopRecords; clock: Clock }): Promise<WaitRegistered> {
  const request = parseWaitRequest(raw);
  await deps.stopRecords.registerWait({ ...request, at: new Date(deps.clock.now()).toISOString() });
  return { registered: true };
}

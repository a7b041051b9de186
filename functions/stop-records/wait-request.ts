/** A wait's request as a state machine hands it over: its task token and the execution it waits for. */
import { InvalidInput } from '#commons/errors.js';
import { describeValue, isPlainObject } from '#commons/validation.js';

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

/**
 * One Task of the embedded engine: a `lambda:invoke` (with or without `.waitForTaskToken`) served
 * by a local handler, or another integration by its resource handler; the payload goes over the wire
 * as JSON both ways, as Lambda passes it.
 */
import { localLambdaContext } from './lambda-context.js';
import type { StateDefinition } from './definition.js';
import type { LocalHandler } from './functions.js';
import { LambdaFunctionError } from './task-errors.js';
import { withTaskToken, type LocalTaskTokens } from './task-tokens.js';

type Json = unknown;

export interface TaskHandlers {
  /** Handlers by Lambda function ARN (for `arn:aws:states:::lambda:invoke`). */
  lambdaHandlers: Record<string, LocalHandler>;
  /** Handlers by Task Resource for other integrations (e.g. states:startExecution.sync:2). */
  resourceHandlers?: Record<string, (input: Json, context: { executionArn: string }) => Promise<Json>>;
}

/** Lambda passes JSON: a round trip keeps the local run honest about what survives serialization. */
const overTheWire = (value: Json): Json => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

export async function invokeTask(
  options: TaskHandlers,
  taskTokens: LocalTaskTokens,
  stateName: string,
  state: StateDefinition,
  taskInput: Json,
  executionArn: string,
  count: () => void,
  tokens: string[],
): Promise<Json> {
  const resource = state.Resource ?? '';
  const waitsForToken = resource.endsWith('.waitForTaskToken');
  if (resource.endsWith(':states:::lambda:invoke') || (waitsForToken && resource.includes(':states:::lambda:invoke.'))) {
    const { FunctionName, Payload } = taskInput as { FunctionName: string; Payload: Json };
    const handler = options.lambdaHandlers[FunctionName];
    if (!handler) throw new Error(`State "${stateName}" invokes ${FunctionName}, which has no local handler.`);
    let payloadIn = Payload;
    let answered: Promise<unknown> | undefined;
    if (waitsForToken) {
      const issued = taskTokens.issue();
      tokens.push(issued.token);
      payloadIn = withTaskToken(Payload, issued.token);
      answered = issued.answered;
    }
    count();
    const payload = await handler(overTheWire(payloadIn), localLambdaContext(FunctionName)).catch((error: unknown) => {
      throw new LambdaFunctionError(error);
    });
    // With a task token, the Lambda's answer is not the task's: the token's is (or the timeout).
    if (answered) return overTheWire(await answered);
    return { StatusCode: 200, Payload: overTheWire(payload) };
  }
  const handler = options.resourceHandlers?.[resource];
  if (!handler) throw new Error(`State "${stateName}" uses resource ${resource}, which has no local handler.`);
  return overTheWire(await handler(overTheWire(taskInput), { executionArn }));
}

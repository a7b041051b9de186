import { GRACEFUL_STOP_FUNCTIONS, type HandlerTable } from './functions.js';
import { gracefulStopDefinitionPath } from './paths.js';
import { LocalStateMachine, localFunctionArn } from './runner.js';

export const GRACEFUL_STOP_STATE_MACHINE_NAME = 'graceful-stop';

/** The graceful-stop ASL on the embedded engine, its Lambda tasks served by `handlers`. */
export function createGracefulStopMachine(handlers: HandlerTable): LocalStateMachine {
  const substitutions: Record<string, string> = {};
  const lambdaHandlers: Record<string, HandlerTable[keyof HandlerTable]> = {};
  for (const logicalId of Object.keys(GRACEFUL_STOP_FUNCTIONS) as (keyof HandlerTable)[]) {
    substitutions[`${logicalId}Arn`] = localFunctionArn(logicalId);
    lambdaHandlers[localFunctionArn(logicalId)] = handlers[logicalId];
  }
  return LocalStateMachine.fromFile(gracefulStopDefinitionPath, {
    stateMachineName: GRACEFUL_STOP_STATE_MACHINE_NAME,
    substitutions,
    lambdaHandlers,
  });
}

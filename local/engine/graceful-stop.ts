import { GRACEFUL_STOP_FUNCTIONS, type FunctionLogicalId, type HandlerTable } from './functions.js';
import { gracefulStopDefinitionPath } from './paths.js';
import { LocalStateMachine, localLambdaFunctions } from './runner.js';

export const GRACEFUL_STOP_STATE_MACHINE_NAME = 'graceful-stop';

/** The graceful-stop ASL on the embedded engine, its Lambda tasks served by `handlers`. */
export function createGracefulStopMachine(handlers: HandlerTable): LocalStateMachine {
  return LocalStateMachine.fromFile(gracefulStopDefinitionPath, {
    stateMachineName: GRACEFUL_STOP_STATE_MACHINE_NAME,
    ...localLambdaFunctions(Object.keys(GRACEFUL_STOP_FUNCTIONS) as FunctionLogicalId[], handlers),
  });
}

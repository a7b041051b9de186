import { GRACEFUL_STOP_FUNCTIONS, type HandlerTable } from './functions.js';
import { gracefulStopDefinitionPath } from './paths.js';
import { templateStateMachine, type LocalStateMachine } from './runner.js';

export const GRACEFUL_STOP_STATE_MACHINE_NAME = 'graceful-stop';

/** The graceful-stop ASL on the embedded engine, its Lambda tasks served by `handlers`. */
export function createGracefulStopMachine(handlers: HandlerTable): LocalStateMachine {
  return templateStateMachine(gracefulStopDefinitionPath, GRACEFUL_STOP_STATE_MACHINE_NAME, GRACEFUL_STOP_FUNCTIONS, handlers);
}

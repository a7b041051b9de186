import { join } from 'node:path';
import { nestedExecutionResources, type NestedExecutionOptions } from './nested-execution.js';
import { projectRoot } from './paths.js';
import { LocalStateMachine } from './runner.js';

export const exampleParentDefinitionPath = join(projectRoot, 'statemachine', 'example-parent.asl.json');

/** statemachine/example-parent.asl.json on the embedded engine, its child graceful stop run in-process. */
export function createExampleParentMachine(gracefulStop: LocalStateMachine, nested: NestedExecutionOptions = {}): LocalStateMachine {
  return LocalStateMachine.fromFile(exampleParentDefinitionPath, {
    stateMachineName: 'example-parent',
    substitutions: { GracefulStopStateMachineArn: gracefulStop.arn },
    lambdaHandlers: {},
    resourceHandlers: nestedExecutionResources(gracefulStop, nested),
  });
}

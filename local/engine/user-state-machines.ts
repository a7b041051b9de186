/**
 * The state machines users bring to the local Step Functions API (CreateStateMachine): their ASL
 * runs on the embedded engine when every Task is one this bed can run - a Lambda task
 * (`lambda:invoke`, with `.waitForTaskToken` too) naming one of template.yaml's functions, or an
 * AWS SDK task on SageMaker (`aws-sdk:sagemaker:<operation>`, against the simulator). Anything
 * else is refused at create time with InvalidDefinition naming the state and saying what runs,
 * never at run time.
 */
import type { LocalHandler } from './functions.js';
import { LocalStateMachine, type RunnerOptions } from './runner.js';
import { sagemakerSdkTasks } from './aws-sdk-tasks.js';
import { StepFunctionsError } from './step-functions-bounds.js';

export class InvalidDefinition extends StepFunctionsError {
  constructor(message: string) {
    super('InvalidDefinition', `Invalid State Machine Definition: ${message}`);
  }
}

type State = {
  Type?: unknown;
  Resource?: unknown;
  Parameters?: Record<string, unknown>;
  Assign?: unknown;
  QueryLanguage?: unknown;
  Iterator?: unknown;
  ItemProcessor?: unknown;
  Branches?: unknown;
};
type Definition = { StartAt?: unknown; States?: Record<string, State>; QueryLanguage?: unknown };

const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke(\.waitForTaskToken)?$/;
const SAGEMAKER_SDK = /^arn:aws[a-z-]*:states:::aws-sdk:sagemaker:([a-zA-Z]+)$/;
const SUPPORTED =
  'arn:aws:states:::lambda:invoke[.waitForTaskToken] with a FunctionName of template.yaml, or arn:aws:states:::aws-sdk:sagemaker:<operation>';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function statesOf(definition: unknown, where: string, visit: (name: string, state: State) => void): void {
  if (!isObject(definition) || !isObject(definition.States)) throw new InvalidDefinition(`${where} has no States object.`);
  for (const [name, state] of Object.entries(definition.States)) {
    if (!isObject(state)) throw new InvalidDefinition(`State "${name.slice(0, 80)}" is not an object.`);
    visit(name, state);
    for (const nested of [state.Iterator, state.ItemProcessor, ...(Array.isArray(state.Branches) ? state.Branches : [])]) {
      if (nested !== undefined) statesOf(nested, `State "${name.slice(0, 80)}"`, visit);
    }
  }
}

/** What a user's definition needs of this bed: the Lambda functions and SageMaker operations its Tasks name. */
export interface UserMachineNeeds {
  functionNames: string[];
  sagemakerOperations: string[];
}

/** Checks what runs here; throws InvalidDefinition naming the first state that cannot. */
export function needsOf(definitionText: string, functions: readonly string[]): UserMachineNeeds {
  let definition: Definition;
  try {
    definition = JSON.parse(definitionText) as Definition;
  } catch (error) {
    throw new InvalidDefinition(`the definition is not JSON (${(error as Error).message.slice(0, 120)}).`);
  }
  if (!isObject(definition)) throw new InvalidDefinition('the definition is not a JSON object.');
  if (definition.QueryLanguage !== undefined && definition.QueryLanguage !== 'JSONPath') {
    throw new InvalidDefinition('QueryLanguage is JSONata; the local engine runs JSONPath definitions only.');
  }
  const functionNames = new Set<string>();
  const sagemakerOperations = new Set<string>();
  statesOf(definition, 'The definition', (name, state) => {
    const shown = `State "${name.slice(0, 80)}"`;
    if (state.QueryLanguage !== undefined && state.QueryLanguage !== 'JSONPath')
      throw new InvalidDefinition(`${shown} uses JSONata; the local engine runs JSONPath only.`);
    if (state.Assign !== undefined) throw new InvalidDefinition(`${shown} uses Assign (variables), which the local engine does not run.`);
    if (state.Type !== 'Task') return;
    const resource = typeof state.Resource === 'string' ? state.Resource : '';
    const sdk = SAGEMAKER_SDK.exec(resource);
    if (sdk?.[1]) {
      sagemakerOperations.add(sdk[1]);
      return;
    }
    if (LAMBDA_INVOKE.test(resource)) {
      const functionName = state.Parameters?.FunctionName;
      if (typeof functionName !== 'string') {
        throw new InvalidDefinition(
          `${shown} invokes a function chosen at run time (FunctionName.$); locally FunctionName must name one of ${functions.join(', ')}.`,
        );
      }
      const logicalId = functionName.split(':').pop() ?? '';
      if (!functions.includes(logicalId))
        throw new InvalidDefinition(
          `${shown} invokes ${functionName.slice(0, 120)}; locally FunctionName must name one of ${functions.join(', ')}.`,
        );
      functionNames.add(functionName);
      return;
    }
    throw new InvalidDefinition(
      `${shown} has the resource ${resource.slice(0, 120) || '(none)'}, which the local engine does not run; expected ${SUPPORTED}.`,
    );
  });
  return { functionNames: [...functionNames], sagemakerOperations: [...sagemakerOperations] };
}

/**
 * Builds the engine's machine for a user's definition: Lambda tasks served by `handlers` (by
 * template.yaml logical id; FunctionName may be the id or its local ARN), SageMaker SDK tasks by
 * the simulator. Throws InvalidDefinition when anything in it cannot run here.
 */
export function userStateMachine(
  name: string,
  definitionText: string,
  handlers: Readonly<Record<string, LocalHandler>>,
): LocalStateMachine {
  const needs = needsOf(definitionText, Object.keys(handlers));
  const lambdaHandlers: RunnerOptions['lambdaHandlers'] = {};
  for (const functionName of needs.functionNames) {
    const logicalId = functionName.split(':').pop() ?? '';
    const handler = handlers[logicalId];
    if (handler) lambdaHandlers[functionName] = handler;
  }
  try {
    // No ${...} substitutions: what the user sends is what runs (a ${ in a string stays as written).
    return new LocalStateMachine(definitionText, {
      stateMachineName: name,
      substitutions: {},
      lambdaHandlers,
      resourceHandlers: sagemakerSdkTasks(needs.sagemakerOperations),
      literal: true,
    });
  } catch (error) {
    // An operation SageMaker lacks, or what the engine's own validation finds.
    throw new InvalidDefinition((error as Error).message.replace(/\s+/g, ' ').slice(0, 600));
  }
}

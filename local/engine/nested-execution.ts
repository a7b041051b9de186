import type { LocalStateMachine, RunOptions, RunResult, RunnerOptions } from './runner.js';
import { NamedError } from '#commons/errors.js';

/** The Task Resource of a nested workflow that waits for the child and receives its output as JSON. */
export const START_EXECUTION_SYNC_2 = 'arn:aws:states:::states:startExecution.sync:2';

type ResourceHandler = NonNullable<RunnerOptions['resourceHandlers']>[string];

/**
 * What `startExecution.sync:2` hands the parent: the child's DescribeExecution
 * response, PascalCase, dates as epoch milliseconds. With `:2` the Output is
 * JSON (with `.sync` it would be a JSON string); the Input stays a string.
 */
export interface DescribedExecution {
  ExecutionArn: string;
  StateMachineArn: string;
  Name: string;
  Status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  StartDate: number;
  StopDate: number;
  Input: string;
  InputDetails: { Included: true };
  Output?: unknown;
  OutputDetails?: { Included: true };
  Error?: string;
  Cause?: string;
}

/**
 * A child that ended FAILED, as the parent's Task sees it: the error
 * `States.TaskFailed` with the child's DescribeExecution JSON as the Cause.
 * The engine takes the Cause from the message (and from `cause` when set, so
 * the DescribeExecution document is kept in `execution`, not in `cause`).
 */
export class NestedExecutionFailed extends NamedError {
  readonly execution: DescribedExecution;

  constructor(execution: DescribedExecution) {
    super('States.TaskFailed', JSON.stringify(execution));
    this.execution = execution;
  }
}

/** The parent asked for a state machine this adapter does not run. */
export class StateMachineDoesNotExist extends NamedError {
  constructor(requested: unknown, known: string) {
    super(
      'StepFunctions.StateMachineDoesNotExistException',
      `State machine ${String(requested).slice(0, 200)} does not exist here; the local child is ${known}.`,
    );
  }
}

export interface NestedExecutionOptions {
  /** Run options for every child run (time scale, retry intervals). */
  runOptions?: Omit<RunOptions, 'executionName' | 'onEvent'>;
  /** Called when a child starts, with its execution ARN as the parent will see it. */
  onChildStarted?: (child: { executionArn: string; input: unknown; parentExecutionArn: string }) => void;
  /** Called with every event of every child, tagged with the child's execution ARN. */
  onChildEvent?: (executionArn: string, event: Parameters<NonNullable<RunOptions['onEvent']>>[0]) => void;
  /** Called with each child's full run result. */
  onChildFinished?: (result: RunResult) => void;
}

function describe(child: LocalStateMachine, name: string, input: unknown, result: RunResult): DescribedExecution {
  const base = {
    ExecutionArn: result.executionArn,
    StateMachineArn: child.arn,
    Name: name,
    Status: result.status,
    StartDate: result.startedAt,
    StopDate: result.stoppedAt,
    Input: JSON.stringify(input),
    InputDetails: { Included: true as const },
  };
  if (result.status === 'SUCCEEDED') return { ...base, Output: result.output ?? null, OutputDetails: { Included: true } };
  return {
    ...base,
    ...(result.error === undefined ? {} : { Error: result.error }),
    ...(result.cause === undefined ? {} : { Cause: result.cause }),
  };
}

let sequence = 0;
const childName = (): string => {
  sequence += 1;
  return `child-${Date.now().toString(36)}-${sequence}`;
};

/**
 * A `resourceHandlers` entry for `startExecution.sync:2` that runs the child
 * state machine in-process and answers like Step Functions: the
 * DescribeExecution document on success, `States.TaskFailed` with that
 * document as the Cause on failure.
 */
export function nestedExecutionHandler(child: LocalStateMachine, options: NestedExecutionOptions = {}): ResourceHandler {
  return async (taskInput, context) => {
    const { StateMachineArn, Input, Name } = (taskInput ?? {}) as { StateMachineArn?: unknown; Input?: unknown; Name?: unknown };
    if (StateMachineArn !== child.arn) throw new StateMachineDoesNotExist(StateMachineArn, child.arn);
    // The optimized integration takes Input as JSON or as a JSON string.
    const input: unknown = typeof Input === 'string' ? JSON.parse(Input) : (Input ?? {});
    const name = typeof Name === 'string' && Name !== '' ? Name : childName();
    let started = false;
    const result = await child.run(input, {
      ...options.runOptions,
      executionName: name,
      onEvent: (event) => {
        if (!started) {
          started = true;
          options.onChildStarted?.({ executionArn: child.executionArn(name), input, parentExecutionArn: context.executionArn });
        }
        options.onChildEvent?.(child.executionArn(name), event);
      },
    });
    options.onChildFinished?.(result);
    const described = describe(child, name, input, result);
    if (result.status !== 'SUCCEEDED') throw new NestedExecutionFailed(described);
    return described;
  };
}

/** `resourceHandlers` for a parent whose Tasks start `child` with `startExecution.sync:2`. */
export function nestedExecutionResources(child: LocalStateMachine, options: NestedExecutionOptions = {}): Record<string, ResourceHandler> {
  return { [START_EXECUTION_SYNC_2]: nestedExecutionHandler(child, options) };
}

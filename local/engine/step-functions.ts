/**
 * Step Functions off AWS: the embedded engine's state machines by ARN, with what the product asks
 * of the service - StartExecution (names unique per state machine, the same name and input while
 * running answered with the same execution, as Standard workflows do), DescribeExecution,
 * StopExecution (the execution ends ABORTED), GetExecutionHistory (paged), and the answers to
 * task tokens (SendTaskSuccess / SendTaskFailure) - and the state machines users bring
 * (Create/Describe/List/Update/DeleteStateMachine). Every execution's status changes go to one
 * listener, as Step Functions publishes them on EventBridge.
 *
 * Requests are bounded as the service bounds them (step-functions-bounds.ts). Nothing a request
 * carries can end the process: an execution that breaks the engine ends FAILED with States.Runtime,
 * and keeps its place in the list.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { EventListener } from '#local/events/event.js';
import type { LocalStateMachine, RunOptions, RunResult } from './runner.js';
import { InvalidToken } from './task-tokens.js';
import { executionStatusChange } from './execution-events.js';
import { assertArn, assertName, parseExecutionInput, parseTaskOutput, shownArn, StepFunctionsError } from './step-functions-bounds.js';
import { StateMachineRegistry, type CreateRequest, type StateMachineDescription, type UpdateRequest } from './state-machine-registry.js';

/** GetExecutionHistory's page: up to 1,000 events. */
const MAX_HISTORY_PAGE = 1000;

export interface LocalExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | RunResult['status'];
  startDate: number;
  stopDate?: number;
  history: HistoryEvent[];
  result?: RunResult;
  done: Promise<RunResult>;
  abort: AbortController;
}

export interface LocalStepFunctionsOptions {
  /** Builds the engine's machine for a user's definition (CreateStateMachine); without it the operation is refused. */
  buildMachine?: (name: string, definition: string) => LocalStateMachine;
  /** Run options of every execution (time scale, retry intervals). */
  runOptions?: Omit<RunOptions, 'executionName' | 'abortSignal' | 'history' | 'onStatusChange'>;
  /** Told of every execution's status changes (the EventBridge events). */
  onStatusChange?: EventListener;
}

let sequence = 0;

/** The result of an execution the engine could not run to its end. */
function brokenRun(executionArn: string, startedAt: number, history: HistoryEvent[], error: unknown): RunResult {
  const cause =
    `The local engine could not run the execution: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(
      0,
      32_768,
    );
  history.push({
    id: history.length + 1,
    previousEventId: history.length,
    timestamp: new Date(),
    type: 'ExecutionFailed',
    executionFailedEventDetails: { error: 'States.Runtime', cause },
  });
  return {
    executionArn,
    status: 'FAILED',
    error: 'States.Runtime',
    cause,
    events: [],
    history,
    stateTransitions: 0,
    lambdaInvocations: 0,
    startedAt,
    stoppedAt: Date.now(),
  };
}

export class LocalStepFunctions {
  private readonly executions = new Map<string, LocalExecution>();
  private readonly stateMachines: StateMachineRegistry;

  constructor(private readonly options: LocalStepFunctionsOptions = {}) {
    this.stateMachines = new StateMachineRegistry(options.buildMachine);
  }

  register(...machines: LocalStateMachine[]): this {
    this.stateMachines.register(...machines);
    return this;
  }

  machine(stateMachineArn: string): LocalStateMachine {
    return this.stateMachines.machine(stateMachineArn);
  }

  createStateMachine(request: CreateRequest): { stateMachineArn: string; creationDate: number } {
    return this.stateMachines.create(request);
  }

  describeStateMachine(stateMachineArn: string): StateMachineDescription {
    return this.stateMachines.describe(stateMachineArn);
  }

  /** Every state machine, by name. */
  listStateMachines(): StateMachineDescription[] {
    return this.stateMachines.list();
  }

  updateStateMachine(request: UpdateRequest): { updateDate: number } {
    return this.stateMachines.update(request);
  }

  deleteStateMachine(stateMachineArn: string): void {
    this.stateMachines.delete(stateMachineArn, () =>
      this.list().filter((execution) => execution.stateMachineArn === stateMachineArn && execution.status === 'RUNNING'),
    );
  }

  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): LocalExecution {
    const machine = this.machine(request.stateMachineArn);
    sequence += 1;
    const name = request.name ?? `local-${Date.now().toString(36)}-${sequence}`;
    assertName(name);
    const inputText = request.input ?? '{}';
    const input = parseExecutionInput(inputText);
    const executionArn = machine.executionArn(name);
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Standard workflows: the same name and input while it runs is the same execution; anything else is refused.
      if (existing.status === 'RUNNING' && existing.input === inputText) return existing;
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const abort = new AbortController();
    const history: HistoryEvent[] = [];
    const execution: LocalExecution = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      input: inputText,
      status: 'RUNNING',
      startDate: Date.now(),
      history,
      abort,
      done: Promise.resolve(undefined as never),
    };
    execution.done = machine
      .run(input, {
        ...this.options.runOptions,
        executionName: name,
        abortSignal: abort.signal,
        history,
        ...(this.options.onStatusChange ? { onStatusChange: this.options.onStatusChange } : {}),
      })
      // Whatever breaks the engine ends this execution, never the process: FAILED, as a runtime error.
      .catch((error: unknown): RunResult => {
        const broken = brokenRun(executionArn, execution.startDate, history, error);
        try {
          this.options.onStatusChange?.(
            executionStatusChange({
              executionArn,
              stateMachineArn: machine.arn,
              name,
              startDate: execution.startDate,
              input,
              status: 'FAILED',
              stopDate: broken.stoppedAt,
              error: broken.error ?? 'States.Runtime',
              cause: broken.cause ?? '',
            }),
          );
        } catch {
          // The status change is best effort, as EventBridge delivery is.
        }
        return broken;
      })
      .then((result) => {
        execution.status = result.status;
        execution.stopDate = result.stoppedAt;
        execution.result = result;
        return result;
      });
    this.executions.set(executionArn, execution);
    return execution;
  }

  execution(executionArn: string): LocalExecution {
    assertArn(executionArn, 'execution');
    const execution = this.executions.get(executionArn);
    if (!execution) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${shownArn(executionArn)}'`);
    return execution;
  }

  /** Every execution so far, oldest first. */
  list(): LocalExecution[] {
    return [...this.executions.values()];
  }

  stopExecution(executionArn: string): { stopDate: number } {
    const execution = this.execution(executionArn);
    if (execution.status === 'RUNNING') execution.abort.abort();
    return { stopDate: Date.now() };
  }

  /** One page of the history, oldest first; `nextToken` is the index of the next event. */
  getExecutionHistory(
    executionArn: string,
    request: { maxResults?: number; nextToken?: string },
  ): { events: HistoryEvent[]; nextToken?: string } {
    const { history } = this.execution(executionArn);
    const size = Math.min(MAX_HISTORY_PAGE, Math.max(1, request.maxResults || MAX_HISTORY_PAGE));
    const from = request.nextToken === undefined ? 0 : Number(request.nextToken);
    if (!Number.isInteger(from) || from < 0 || from > history.length)
      throw new StepFunctionsError('InvalidToken', 'Invalid Token: nextToken is not one this API gave.');
    const events = history.slice(from, from + size);
    return from + size < history.length ? { events, nextToken: String(from + size) } : { events };
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    parseTaskOutput(output);
    this.tokensOf(taskToken).succeed(taskToken, output);
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.tokensOf(taskToken).fail(taskToken, error, cause);
  }

  /** Every execution started so far has ended. */
  async settled(): Promise<void> {
    // Executions may start others (a watch, a guard): a bounded number of rounds.
    for (let round = 0; round < 100; round += 1) {
      const running = this.list().filter((execution) => execution.status === 'RUNNING');
      if (running.length === 0) return;
      await Promise.all(running.map((execution) => execution.done));
    }
  }

  /** Aborts whatever still runs (closing the local cloud). */
  async close(): Promise<void> {
    for (const execution of this.list()) if (execution.status === 'RUNNING') execution.abort.abort();
    await Promise.all(this.list().map((execution) => execution.done.catch(() => undefined)));
  }

  private tokensOf(taskToken: string) {
    const owner = this.stateMachines.everyMachine().find((machine) => machine.taskTokens.knows(taskToken));
    if (!owner) throw new InvalidToken();
    return owner.taskTokens;
  }
}

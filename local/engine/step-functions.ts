/**
 * Step Functions off AWS: the embedded engine's state machines by ARN, with what the product asks
 * of the service - StartExecution (names unique per state machine, the same name and input while
 * running answered with the same execution, as Standard workflows do), DescribeExecution,
 * StopExecution (the execution ends ABORTED), GetExecutionHistory (paged), and the answers to
 * task tokens (SendTaskSuccess / SendTaskFailure). Every execution's status changes go to one
 * listener, as Step Functions publishes them on EventBridge.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { NamedError } from '#commons/errors.js';
import type { EventListener } from '#local/events/event.js';
import type { LocalStateMachine, RunOptions, RunResult } from './runner.js';
import { InvalidToken } from './task-tokens.js';

/** A name Step Functions accepts: 1-80 characters, no whitespace, brackets, wildcards or control characters. */
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;
const hasControlCharacter = (text: string): boolean => [...text].some((character) => (character.codePointAt(0) ?? 0) < 0x20 || ((character.codePointAt(0) ?? 0) >= 0x7f && (character.codePointAt(0) ?? 0) <= 0x9f));
/** GetExecutionHistory's page: up to 1,000 events. */
const MAX_HISTORY_PAGE = 1000;

export class StepFunctionsError extends NamedError {
  constructor(name: string, message: string) {
    super(name, message);
  }
}

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
  /** Run options of every execution (time scale, retry intervals). */
  runOptions?: Omit<RunOptions, 'executionName' | 'abortSignal' | 'history' | 'onStatusChange'>;
  /** Told of every execution's status changes (the EventBridge events). */
  onStatusChange?: EventListener;
}

let sequence = 0;

export class LocalStepFunctions {
  private readonly machines = new Map<string, LocalStateMachine>();
  private readonly executions = new Map<string, LocalExecution>();

  constructor(private readonly options: LocalStepFunctionsOptions = {}) {}

  register(...machines: LocalStateMachine[]): this {
    for (const machine of machines) this.machines.set(machine.arn, machine);
    return this;
  }

  machine(stateMachineArn: string): LocalStateMachine {
    const machine = this.machines.get(stateMachineArn);
    if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(stateMachineArn).slice(0, 200)}'`);
    return machine;
  }

  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): LocalExecution {
    const machine = this.machine(request.stateMachineArn);
    sequence += 1;
    const name = request.name ?? `local-${Date.now().toString(36)}-${sequence}`;
    if (!EXECUTION_NAME.test(name) || hasControlCharacter(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name.slice(0, 100)}'`);
    const inputText = request.input ?? '{}';
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch {
      throw new StepFunctionsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not JSON.');
    }
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
    const execution = this.executions.get(executionArn);
    if (!execution) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(executionArn).slice(0, 200)}'`);
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
  getExecutionHistory(executionArn: string, request: { maxResults?: number; nextToken?: string }): { events: HistoryEvent[]; nextToken?: string } {
    const { history } = this.execution(executionArn);
    const size = Math.min(MAX_HISTORY_PAGE, Math.max(1, request.maxResults || MAX_HISTORY_PAGE));
    const from = request.nextToken === undefined ? 0 : Number(request.nextToken);
    if (!Number.isInteger(from) || from < 0 || from > history.length) throw new StepFunctionsError('InvalidToken', 'Invalid Token: nextToken is not one this API gave.');
    const events = history.slice(from, from + size);
    return from + size < history.length ? { events, nextToken: String(from + size) } : { events };
  }

  sendTaskSuccess(taskToken: string, output: string): void {
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

  /** Aborts whatever still runs (closing the test bed). */
  async close(): Promise<void> {
    for (const execution of this.list()) if (execution.status === 'RUNNING') execution.abort.abort();
    await Promise.all(this.list().map((execution) => execution.done.catch(() => undefined)));
  }

  private tokensOf(taskToken: string) {
    const owner = [...this.machines.values()].find((machine) => machine.taskTokens.knows(taskToken));
    if (!owner) throw new InvalidToken();
    return owner.taskTokens;
  }
}

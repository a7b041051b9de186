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
import {
  assertArn,
  assertName,
  assertRoleArn,
  parseDefinition,
  parseExecutionInput,
  parseTaskOutput,
  shownArn,
  StepFunctionsError,
} from './step-functions-bounds.js';

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

/** A state machine of this API: the template's (registered) or a user's (CreateStateMachine). */
interface MachineEntry {
  machine: LocalStateMachine;
  name: string;
  roleArn: string;
  creationDate: number;
  updateDate?: number;
  /** Deployed by template.yaml: described and listed, never updated or deleted here. */
  fromTemplate: boolean;
  deleting: boolean;
}

/** At most this many state machines of users' at once: the bed's memory stays bounded. */
export const MAX_USER_STATE_MACHINES = 1_000;
const LOCAL_ROLE_ARN = 'arn:aws:iam::123456789012:role/local';

export interface StateMachineDescription {
  stateMachineArn: string;
  name: string;
  status: 'ACTIVE' | 'DELETING';
  definition: string;
  roleArn: string;
  type: 'STANDARD';
  creationDate: number;
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
  private readonly machines = new Map<string, MachineEntry>();
  private readonly executions = new Map<string, LocalExecution>();
  /** Machines replaced or deleted: their running executions' tokens are still answered. */
  private readonly retired: LocalStateMachine[] = [];

  constructor(private readonly options: LocalStepFunctionsOptions = {}) {}

  register(...machines: LocalStateMachine[]): this {
    for (const machine of machines) {
      this.machines.set(machine.arn, {
        machine,
        name: machine.arn.split(':').pop() ?? '',
        roleArn: LOCAL_ROLE_ARN,
        creationDate: Date.now(),
        fromTemplate: true,
        deleting: false,
      });
    }
    return this;
  }

  machine(stateMachineArn: string): LocalStateMachine {
    return this.entry(stateMachineArn).machine;
  }

  createStateMachine(request: { name: string; definition: string; roleArn: string; type?: string }): {
    stateMachineArn: string;
    creationDate: number;
  } {
    const { name, definition, roleArn } = request;
    assertName(name, true);
    if (request.type !== undefined && request.type !== 'STANDARD') {
      throw new StepFunctionsError(
        'StateMachineTypeNotSupported',
        `The local engine runs STANDARD state machines; got type ${request.type.slice(0, 20)}.`,
      );
    }
    assertRoleArn(roleArn);
    const parsed = parseDefinition(definition);
    const existing = [...this.machines.values()].find((entry) => entry.name === name);
    if (existing) {
      // As on AWS: the same name, definition and role is the same state machine; anything else is a conflict.
      if (!existing.fromTemplate && existing.machine.definitionText === JSON.stringify(parsed) && existing.roleArn === roleArn) {
        return { stateMachineArn: existing.machine.arn, creationDate: existing.creationDate };
      }
      throw new StepFunctionsError('StateMachineAlreadyExists', `State Machine Already Exists: '${existing.machine.arn}'`);
    }
    if ([...this.machines.values()].filter((entry) => !entry.fromTemplate).length >= MAX_USER_STATE_MACHINES) {
      throw new StepFunctionsError(
        'StateMachineLimitExceeded',
        `The local Step Functions holds at most ${MAX_USER_STATE_MACHINES} state machines of yours; delete one first.`,
      );
    }
    const machine = this.build(name, definition);
    const creationDate = Date.now();
    this.machines.set(machine.arn, { machine, name, roleArn, creationDate, fromTemplate: false, deleting: false });
    return { stateMachineArn: machine.arn, creationDate };
  }

  describeStateMachine(stateMachineArn: string): StateMachineDescription {
    const entry = this.entry(stateMachineArn, { deleting: true });
    return {
      stateMachineArn: entry.machine.arn,
      name: entry.name,
      status: entry.deleting ? 'DELETING' : 'ACTIVE',
      definition: entry.machine.definitionText,
      roleArn: entry.roleArn,
      type: 'STANDARD',
      creationDate: entry.creationDate,
    };
  }

  /** Every state machine, by name. */
  listStateMachines(): StateMachineDescription[] {
    return [...this.machines.values()]
      .map((entry) => this.describeStateMachine(entry.machine.arn))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A new definition or role for the executions started from now on; running ones go on with theirs. */
  updateStateMachine(request: { stateMachineArn: string; definition?: string; roleArn?: string }): { updateDate: number } {
    const entry = this.entry(request.stateMachineArn);
    if (entry.fromTemplate)
      throw new StepFunctionsError(
        'ValidationException',
        `${entry.name} is deployed by template.yaml; change the template, not the local copy.`,
      );
    if (request.definition === undefined && request.roleArn === undefined) {
      throw new StepFunctionsError('MissingRequiredParameter', 'Either the definition or the roleArn must be specified.');
    }
    if (request.roleArn !== undefined) assertRoleArn(request.roleArn);
    if (request.definition !== undefined) {
      parseDefinition(request.definition);
      const machine = this.build(entry.name, request.definition);
      // Tokens of executions already running stay answerable: they live in the old machine's registry.
      this.retired.push(entry.machine);
      entry.machine = machine;
    }
    if (request.roleArn !== undefined) entry.roleArn = request.roleArn;
    entry.updateDate = Date.now();
    return { updateDate: entry.updateDate };
  }

  /** As on AWS: the state machine is DELETING while its executions run, then gone; none can start meanwhile. */
  deleteStateMachine(stateMachineArn: string): void {
    assertArn(stateMachineArn, 'stateMachine');
    const entry = this.machines.get(stateMachineArn);
    if (!entry) return;
    if (entry.fromTemplate)
      throw new StepFunctionsError('ValidationException', `${entry.name} is deployed by template.yaml and cannot be deleted here.`);
    entry.deleting = true;
    const running = this.list().filter((execution) => execution.stateMachineArn === stateMachineArn && execution.status === 'RUNNING');
    void Promise.all(running.map((execution) => execution.done)).then(() => {
      if (this.machines.get(stateMachineArn) === entry) {
        this.machines.delete(stateMachineArn);
        this.retired.push(entry.machine);
      }
    });
  }

  private entry(stateMachineArn: string, allow: { deleting?: boolean } = {}): MachineEntry {
    assertArn(stateMachineArn, 'stateMachine');
    const entry = this.machines.get(stateMachineArn);
    if (!entry) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${shownArn(stateMachineArn)}'`);
    if (entry.deleting && !allow.deleting)
      throw new StepFunctionsError('StateMachineDeleting', `State Machine Deleting: '${shownArn(stateMachineArn)}'`);
    return entry;
  }

  private build(name: string, definition: string): LocalStateMachine {
    if (!this.options.buildMachine)
      throw new StepFunctionsError('ValidationException', 'This local Step Functions runs only the state machines of template.yaml.');
    return this.options.buildMachine(name, definition);
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

  /** Aborts whatever still runs (closing the test bed). */
  async close(): Promise<void> {
    for (const execution of this.list()) if (execution.status === 'RUNNING') execution.abort.abort();
    await Promise.all(this.list().map((execution) => execution.done.catch(() => undefined)));
  }

  private tokensOf(taskToken: string) {
    const owner = [...[...this.machines.values()].map((entry) => entry.machine), ...this.retired].find((machine) =>
      machine.taskTokens.knows(taskToken),
    );
    if (!owner) throw new InvalidToken();
    return owner.taskTokens;
  }
}

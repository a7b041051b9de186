/**
 * The state machines of the local Step Functions: the template's (registered, never changed here) and
 * the ones users bring (Create/Describe/List/Update/DeleteStateMachine), each checked as the service
 * checks it. A replaced or deleted machine is kept retired: its running executions' tokens are still answered.
 */
import type { LocalStateMachine } from './runner.js';
import { assertArn, assertName, assertRoleArn, parseDefinition, shownArn, StepFunctionsError } from './step-functions-bounds.js';
import { LOCAL_ACCOUNT_ID } from '#local/account.js';

/** At most this many state machines of users' at once: the local cloud's memory stays bounded. */
export const MAX_USER_STATE_MACHINES = 1_000;
const LOCAL_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/local`;

export type CreateRequest = { name: string; definition: string; roleArn: string; type?: string };
export type UpdateRequest = { stateMachineArn: string; definition?: string; roleArn?: string };

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

export interface StateMachineDescription {
  stateMachineArn: string;
  name: string;
  status: 'ACTIVE' | 'DELETING';
  definition: string;
  roleArn: string;
  type: 'STANDARD';
  creationDate: number;
}

export class StateMachineRegistry {
  private readonly machines = new Map<string, MachineEntry>();
  /** Machines replaced or deleted: their running executions' tokens are still answered. */
  private readonly retired: LocalStateMachine[] = [];

  /** Builds the engine's machine for a user's definition; without it CreateStateMachine is refused. */
  constructor(private readonly buildMachine?: (name: string, definition: string) => LocalStateMachine) {}

  register(...machines: LocalStateMachine[]): void {
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
  }

  machine(stateMachineArn: string): LocalStateMachine {
    return this.entry(stateMachineArn).machine;
  }

  create(request: CreateRequest): { stateMachineArn: string; creationDate: number } {
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

  describe(stateMachineArn: string): StateMachineDescription {
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
  list(): StateMachineDescription[] {
    return [...this.machines.values()].map((entry) => this.describe(entry.machine.arn)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A new definition or role for the executions started from now on; running ones go on with theirs. */
  update(request: UpdateRequest): { updateDate: number } {
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
  delete(stateMachineArn: string, running: () => Array<{ done: Promise<unknown> }>): void {
    assertArn(stateMachineArn, 'stateMachine');
    const entry = this.machines.get(stateMachineArn);
    if (!entry) return;
    if (entry.fromTemplate)
      throw new StepFunctionsError('ValidationException', `${entry.name} is deployed by template.yaml and cannot be deleted here.`);
    entry.deleting = true;
    void Promise.all(running().map((execution) => execution.done)).then(() => {
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
    if (!this.buildMachine)
      throw new StepFunctionsError('ValidationException', 'This local Step Functions runs only the state machines of template.yaml.');
    return this.buildMachine(name, definition);
  }

  /** Every machine that may hold a task token: the live ones and the retired. */
  everyMachine(): LocalStateMachine[] {
    return [...[...this.machines.values()].map((entry) => entry.machine), ...this.retired];
  }
}

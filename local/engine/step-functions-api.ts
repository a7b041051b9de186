/**
 * The local Step Functions and EventBridge APIs on the AWS JSON protocol, on 127.0.0.1: what the
 * handlers (the SDK, pointed here by AWS_ENDPOINT_URL_SFN and AWS_ENDPOINT_URL_EVENTBRIDGE) and
 * the AWS CLI call off AWS. Step Functions: StartExecution, DescribeExecution, ListExecutions (the
 * newest 1,000), StopExecution, GetExecutionHistory, SendTaskSuccess, SendTaskFailure, and
 * Create/Describe/List/Update/DeleteStateMachine for a user's own workflows. EventBridge: PutEvents,
 * whose entries go to the local bus (template.yaml's rules) - a completion event, or a Graceful Stop
 * Requested event another orchestrator puts. Requests are validated: a bad one is a named 400 saying
 * what is wrong, a bad PutEvents entry a failed entry (FailedEntryCount) as EventBridge answers it;
 * no request ends the process (an unexpected error is a 500 InternalFailure).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { isErrorNamed } from '#commons/errors.js';
import { assertShallow, readBody } from '#local/simulator/protocol.js';
import type { EventBridgeEvent } from '#local/events/event.js';
import { listen, type Listener } from '#local/listen.js';
import { putEvents } from './put-events.js';
import { LocalStepFunctions } from './step-functions.js';
import { BadRequest, StepFunctionsError } from './step-functions-bounds.js';

const SFN_TARGET = 'AWSStepFunctions.';
const EVENTS_TARGET = 'AWSEvents.';

type Body = Record<string, unknown>;

function field(body: Body, key: string, required: true): string;
function field(body: Body, key: string, required?: false): string | undefined;
function field(body: Body, key: string, required = false): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required)
      throw new BadRequest(`1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof value !== 'string') throw new BadRequest(`${key} is a ${typeof value}; expected a string.`);
  return value;
}

const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, string>);

/** maxResults of a List operation: 0 (or none) is the default 100, at most 1,000. */
function pageSize(value: unknown): number {
  if (value === undefined || value === null) return 100;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1000)
    throw new BadRequest('maxResults must be an integer from 0 to 1000.');
  return value === 0 ? 100 : value;
}

/** Dates as the JSON protocol sends them: epoch seconds. */
const epochSeconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);
const wireHistory = (events: HistoryEvent[]) => events.map((event) => ({ ...event, timestamp: epochSeconds(event.timestamp?.getTime()) }));

export type StepFunctionsApi = Listener;

export interface StepFunctionsApiOptions {
  host?: string;
  port?: number;
  /** Where PutEvents entries go (the local bus). */
  onEvent?: (event: EventBridgeEvent) => void;
}

function stepFunctions(operation: string, body: Body, sfn: LocalStepFunctions): object {
  switch (operation) {
    case 'StartExecution': {
      const stateMachineArn = field(body, 'stateMachineArn', true);
      const name = field(body, 'name');
      const input = field(body, 'input');
      const execution = sfn.startExecution({
        stateMachineArn,
        ...(name === undefined ? {} : { name }),
        ...(input === undefined ? {} : { input }),
      });
      return { executionArn: execution.executionArn, startDate: epochSeconds(execution.startDate) };
    }
    case 'DescribeExecution': {
      const execution = sfn.execution(field(body, 'executionArn', true));
      const { result } = execution;
      return {
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: epochSeconds(execution.startDate),
        input: execution.input,
        ...(execution.stopDate === undefined ? {} : { stopDate: epochSeconds(execution.stopDate) }),
        ...(result?.status === 'SUCCEEDED' ? { output: JSON.stringify(result.output ?? null) } : {}),
        ...(result?.error === undefined ? {} : { error: result.error }),
        ...(result?.cause === undefined ? {} : { cause: result.cause }),
      };
    }
    case 'ListExecutions': {
      const stateMachineArn = field(body, 'stateMachineArn', true);
      sfn.describeStateMachine(stateMachineArn);
      const statusFilter = field(body, 'statusFilter');
      return {
        executions: sfn
          .list()
          .filter(
            (execution) =>
              execution.stateMachineArn === stateMachineArn && (statusFilter === undefined || execution.status === statusFilter),
          )
          .reverse()
          .slice(0, 1000)
          .map((execution) => ({
            executionArn: execution.executionArn,
            stateMachineArn,
            name: execution.name,
            status: execution.status,
            startDate: epochSeconds(execution.startDate),
            ...(execution.stopDate === undefined ? {} : { stopDate: epochSeconds(execution.stopDate) }),
          })),
      };
    }
    case 'StopExecution':
      return { stopDate: epochSeconds(sfn.stopExecution(field(body, 'executionArn', true)).stopDate) };
    case 'GetExecutionHistory': {
      const maxResults = body.maxResults;
      if (
        maxResults !== undefined &&
        (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 0 || maxResults > 1000)
      ) {
        throw new BadRequest('maxResults must be an integer from 0 to 1000.');
      }
      const nextToken = field(body, 'nextToken');
      const page = sfn.getExecutionHistory(field(body, 'executionArn', true), {
        ...(typeof maxResults === 'number' ? { maxResults } : {}),
        ...(nextToken ? { nextToken } : {}),
      });
      return { events: wireHistory(page.events), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    }
    case 'SendTaskSuccess':
      sfn.sendTaskSuccess(field(body, 'taskToken', true), field(body, 'output', true));
      return {};
    case 'SendTaskFailure':
      sfn.sendTaskFailure(field(body, 'taskToken', true), field(body, 'error'), field(body, 'cause'));
      return {};
    case 'CreateStateMachine': {
      const created = sfn.createStateMachine({
        name: field(body, 'name', true),
        definition: field(body, 'definition', true),
        roleArn: field(body, 'roleArn', true),
        ...optional('type', field(body, 'type')),
      });
      return { stateMachineArn: created.stateMachineArn, creationDate: epochSeconds(created.creationDate) };
    }
    case 'DescribeStateMachine': {
      const described = sfn.describeStateMachine(field(body, 'stateMachineArn', true));
      return { ...described, creationDate: epochSeconds(described.creationDate) };
    }
    case 'ListStateMachines': {
      const maxResults = pageSize(body.maxResults);
      const nextToken = field(body, 'nextToken');
      const all = sfn.listStateMachines();
      const from = nextToken === undefined ? 0 : Number(nextToken);
      if (!Number.isInteger(from) || from < 0 || from > all.length)
        throw new StepFunctionsError('InvalidToken', 'Invalid Token: nextToken is not one this API gave.');
      const page = all.slice(from, from + maxResults);
      return {
        stateMachines: page.map((machine) => ({
          stateMachineArn: machine.stateMachineArn,
          name: machine.name,
          type: machine.type,
          creationDate: epochSeconds(machine.creationDate),
        })),
        ...(from + maxResults < all.length ? { nextToken: String(from + maxResults) } : {}),
      };
    }
    case 'UpdateStateMachine': {
      const updated = sfn.updateStateMachine({
        stateMachineArn: field(body, 'stateMachineArn', true),
        ...optional('definition', field(body, 'definition')),
        ...optional('roleArn', field(body, 'roleArn')),
      });
      return { updateDate: epochSeconds(updated.updateDate) };
    }
    case 'DeleteStateMachine':
      sfn.deleteStateMachine(field(body, 'stateMachineArn', true));
      return {};
    default:
      throw new StepFunctionsError('UnknownOperationException', `The local Step Functions API has no operation ${operation.slice(0, 60)}.`);
  }
}

function send(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export async function startStepFunctionsApi(sfn: LocalStepFunctions, options: StepFunctionsApiOptions = {}): Promise<StepFunctionsApi> {
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const target = String(request.headers['x-amz-target'] ?? '');
    try {
      if (request.method !== 'POST') throw new BadRequest('Expected a POST with an X-Amz-Target header.');
      const text = await readBody(request);
      let body: Body;
      try {
        body = JSON.parse(text || '{}') as Body;
      } catch {
        throw new StepFunctionsError('SerializationException', 'The request body is not JSON.');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new StepFunctionsError('SerializationException', 'The request body is not a JSON object.');
      assertShallow(body as never, 'The request');
      if (target.startsWith(EVENTS_TARGET)) {
        if (target !== `${EVENTS_TARGET}PutEvents`)
          throw new StepFunctionsError(
            'UnknownOperationException',
            `The local EventBridge API has PutEvents only, not ${target.slice(EVENTS_TARGET.length, 60)}.`,
          );
        send(response, 200, putEvents(body, options.onEvent));
        return;
      }
      if (!target.startsWith(SFN_TARGET))
        throw new BadRequest(`X-Amz-Target "${target.slice(0, 60)}" is neither AWSStepFunctions.<Operation> nor AWSEvents.PutEvents.`);
      send(response, 200, stepFunctions(target.slice(SFN_TARGET.length), body, sfn));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'InternalFailure';
      const known =
        error instanceof StepFunctionsError ||
        isErrorNamed(error, 'ValidationException', 'TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist');
      send(response, known ? 400 : 500, {
        __type: known ? name : 'InternalFailure',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  };
  return listen((request, response) => void handle(request, response), options);
}

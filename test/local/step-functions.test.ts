/**
 * Step Functions off AWS (local/engine/step-functions.ts and its API): names, task tokens, aborts
 * and histories as the product relies on them, through the real SDK client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { waitFor } from '#local/bounded.js';
import { LocalStateMachine, localFunctionArn } from '#local/engine/runner.js';
import { LocalStepFunctions } from '#local/engine/step-functions.js';
import { startStepFunctionsApi, type StepFunctionsApi } from '#local/engine/step-functions-api.js';
import type { EventBridgeEvent } from '#local/events/event.js';

/** Waits for a token (at most 600 s), then ends with what the token was answered with. */
const DEFINITION = JSON.stringify({
  StartAt: 'Wait For Answer',
  States: {
    'Wait For Answer': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: localFunctionArn('KeepToken'), Payload: { 'token.$': '$$.Task.Token' } },
      TimeoutSecondsPath: '$.timeoutSeconds',
      End: true,
    },
  },
});

describe('local Step Functions API', () => {
  const tokens: string[] = [];
  const statuses: EventBridgeEvent[] = [];
  let api: StepFunctionsApi;
  let sfn: SFNClient;
  const machine = new LocalStateMachine(DEFINITION, {
    stateMachineName: 'answers',
    substitutions: {},
    lambdaHandlers: { [localFunctionArn('KeepToken')]: async (event) => tokens.push((event as { token: string }).token) },
  });

  beforeAll(async () => {
    const local = new LocalStepFunctions({ onStatusChange: (event) => statuses.push(event) }).register(machine);
    api = await startStepFunctionsApi(local);
    sfn = new SFNClient({
      ...BOUNDED_CLIENT_OPTIONS,
      endpoint: api.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => api?.close());

  const start = (name: string, input: object) =>
    sfn.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name, input: JSON.stringify(input) }));

  it('ends a task-token wait with the answer, and refuses a second answer to the same token', async () => {
    // Prepare
    const { executionArn } = await start('answered', { timeoutSeconds: 600 });
    const token = await waitFor(
      'the token',
      async () => tokens[0],
      (found) => found !== undefined,
    );

    // Act
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token as string, output: JSON.stringify({ answer: 42 }) }));
    const described = await waitFor(
      'the end',
      () => sfn.send(new DescribeExecutionCommand({ executionArn })),
      (found) => found.status !== 'RUNNING',
    );
    const again = sfn.send(new SendTaskSuccessCommand({ taskToken: token as string, output: '{}' }));

    // Assess
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: JSON.stringify({ answer: 42 }) });
    await expect(again).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('times a wait out at its TimeoutSecondsPath, read from the state input', async () => {
    // Act
    const { executionArn } = await start('unanswered', { timeoutSeconds: 1 });
    const described = await waitFor(
      'the timeout',
      () => sfn.send(new DescribeExecutionCommand({ executionArn })),
      (found) => found.status !== 'RUNNING',
    );

    // Assess
    expect(described).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('answers the same name and input while it runs with the same execution, and refuses another input', async () => {
    // Act
    const first = await start('once', { timeoutSeconds: 600 });
    const same = await start('once', { timeoutSeconds: 600 });
    const other = start('once', { timeoutSeconds: 5 });

    // Assess
    expect(same.executionArn).toBe(first.executionArn);
    await expect(other).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
  });

  it('aborts an execution: ABORTED, with the history Step Functions keeps and its status change events', async () => {
    // Prepare
    const { executionArn } = await start('aborted', { timeoutSeconds: 600 });
    await waitFor(
      'the task to start',
      () => sfn.send(new GetExecutionHistoryCommand({ executionArn })),
      (page) => (page.events ?? []).some((event) => event.type === 'TaskStarted'),
    );

    // Act
    await sfn.send(new StopExecutionCommand({ executionArn }));
    const described = await waitFor(
      'the abort',
      () => sfn.send(new DescribeExecutionCommand({ executionArn })),
      (found) => found.status !== 'RUNNING',
    );
    const firstPage = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 2 }));
    const rest = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken: firstPage.nextToken }));

    // Assess
    expect(described.status).toBe('ABORTED');
    expect([...(firstPage.events ?? []), ...(rest.events ?? [])].map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskScheduled',
      'TaskStarted',
      'ExecutionAborted',
    ]);
    expect(firstPage.events?.[1]?.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken' });
    expect(statuses.filter((event) => event.detail.executionArn === executionArn).map((event) => event.detail.status)).toEqual([
      'RUNNING',
      'ABORTED',
    ]);
  });

  it('refuses a malformed request with a named 400 saying what is wrong', async () => {
    // Act
    const noMachine = sfn.send(new StartExecutionCommand({ stateMachineArn: `${machine.arn}-missing`, input: '{}' }));
    const badName = start('has space', {});
    const badInput = sfn.send(new StartExecutionCommand({ stateMachineArn: machine.arn, input: '{not json' }));

    // Assess
    await expect(noMachine).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(badName).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(badInput).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
  });
});

describe('LocalStepFunctions when the engine breaks', () => {
  it('ends the execution FAILED with States.Runtime, keeps it, and publishes the status change, instead of ending the process', async () => {
    // Prepare: a machine whose run rejects, as a RangeError deep in the engine would.
    const statuses: EventBridgeEvent[] = [];
    const real = new LocalStateMachine(DEFINITION, { stateMachineName: 'breaks', substitutions: {}, lambdaHandlers: {} });
    const breaking = Object.assign(Object.create(real) as LocalStateMachine, {
      run: () => Promise.reject(new RangeError('Maximum call stack size exceeded')),
    });
    const sfn = new LocalStepFunctions({ onStatusChange: (event) => statuses.push(event) }).register(breaking);

    // Act
    const execution = sfn.startExecution({ stateMachineArn: real.arn, name: 'broken' });
    const result = await execution.done;

    // Assess
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'The local engine could not run the execution: RangeError: Maximum call stack size exceeded',
    });
    expect(sfn.execution(execution.executionArn).status).toBe('FAILED');
    expect(execution.history.at(-1)?.type).toBe('ExecutionFailed');
    expect(statuses.map((event) => event.detail.status)).toEqual(['FAILED']);
  });
});

/**
 * local/engine/nested-execution.ts: a child state machine run in-process for
 * startExecution.sync:2, answering as Step Functions does (DescribeExecution
 * on success, States.TaskFailed with DescribeExecution as the Cause on failure).
 */
import { describe, expect, it } from 'vitest';
import { nestedExecutionHandler, nestedExecutionResources, START_EXECUTION_SYNC_2 } from '#local/engine/nested-execution.js';
import { LocalStateMachine, type RunResult } from '#local/engine/runner.js';

const child = new LocalStateMachine(
  JSON.stringify({
    StartAt: 'Decide',
    States: {
      Decide: {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.fail', IsPresent: true },
              { Variable: '$.fail', BooleanEquals: true },
            ],
            Next: 'Refuse',
          },
        ],
        Default: 'Answer',
      },
      Answer: { Type: 'Pass', Parameters: { echoed: { 'value.$': '$.value' }, outcome: 'Stopped' }, End: true },
      Refuse: { Type: 'Fail', Error: 'DrainTimedOut', Cause: "Step 'Score' is still draining." },
    },
  }),
  { stateMachineName: 'child', substitutions: {}, lambdaHandlers: {} },
);

const parent = (catchAll: boolean): LocalStateMachine =>
  new LocalStateMachine(
    JSON.stringify({
      StartAt: 'Run Child',
      States: {
        'Run Child': {
          Type: 'Task',
          Resource: START_EXECUTION_SYNC_2,
          Parameters: { StateMachineArn: '${ChildArn}', 'Input.$': '$' },
          ...(catchAll ? { Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }] } : {}),
          End: true,
        },
        ...(catchAll ? { Caught: { Type: 'Pass', End: true } } : {}),
      },
    }),
    {
      stateMachineName: 'parent',
      substitutions: { ChildArn: child.arn },
      lambdaHandlers: {},
      resourceHandlers: nestedExecutionResources(child),
    },
  );

describe('nestedExecutionHandler', () => {
  it("returns the child's DescribeExecution with its Output as JSON (.sync:2) and its Input as a string", async () => {
    // Prepare
    const handler = nestedExecutionHandler(child);
    // Act
    const described = (await handler(
      { StateMachineArn: child.arn, Input: { value: 7 }, Name: 'run-7' },
      { executionArn: 'parent-arn' },
    )) as Record<string, unknown>;
    // Assess
    expect(described).toMatchObject({
      ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:child:run-7',
      StateMachineArn: child.arn,
      Name: 'run-7',
      Status: 'SUCCEEDED',
      Input: '{"value":7}',
      Output: { echoed: { value: 7 }, outcome: 'Stopped' },
      OutputDetails: { Included: true },
    });
    expect(described.StopDate as number).toBeGreaterThanOrEqual(described.StartDate as number);
  });

  it('throws States.TaskFailed whose message (the Cause) is the DescribeExecution JSON with the child error and cause', async () => {
    // Prepare
    const handler = nestedExecutionHandler(child);
    // Act
    const running = handler({ StateMachineArn: child.arn, Input: '{"fail": true}' }, { executionArn: 'parent-arn' });
    // Assess
    const error = (await running.then(
      () => new Error('the child did not fail'),
      (thrown: unknown) => thrown,
    )) as Error;
    expect(error.name).toBe('States.TaskFailed');
    expect(JSON.parse(error.message)).toMatchObject({
      Status: 'FAILED',
      Error: 'DrainTimedOut',
      Cause: "Step 'Score' is still draining.",
      Input: '{"fail":true}',
    });
  });

  it('refuses a StateMachineArn other than the child it runs', async () => {
    // Prepare
    const handler = nestedExecutionHandler(child);
    // Act
    const running = handler(
      { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:other', Input: {} },
      { executionArn: 'p' },
    );
    // Assess
    await expect(running).rejects.toMatchObject({ name: 'StepFunctions.StateMachineDoesNotExistException' });
  });

  it('reports each child start and result to the hooks', async () => {
    // Prepare
    const started: string[] = [];
    const finished: RunResult[] = [];
    const handler = nestedExecutionHandler(child, {
      onChildStarted: (run) => started.push(run.parentExecutionArn),
      onChildFinished: (result) => finished.push(result),
    });
    // Act
    await handler({ StateMachineArn: child.arn, Input: { value: 1 } }, { executionArn: 'parent-arn' });
    // Assess
    expect(started).toEqual(['parent-arn']);
    expect(finished.map((result) => result.status)).toEqual(['SUCCEEDED']);
  });
});

describe('a parent running the child with startExecution.sync:2 on the embedded engine', () => {
  it('catches a failed child as States.TaskFailed with the DescribeExecution JSON as Cause', async () => {
    // Prepare
    const machine = parent(true);
    // Act
    const result = await machine.run({ fail: true });
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as { Error: string; Cause: string };
    expect(output.Error).toBe('States.TaskFailed');
    expect(JSON.parse(output.Cause)).toMatchObject({ Status: 'FAILED', Error: 'DrainTimedOut' });
  });

  it('fails the parent with States.TaskFailed when nothing catches the child failure', async () => {
    // Prepare
    const machine = parent(false);
    // Act
    const result = await machine.run({ fail: true });
    // Assess
    expect(result.error).toBe('States.TaskFailed');
    expect(JSON.parse(result.cause ?? '')).toMatchObject({ Status: 'FAILED', Error: 'DrainTimedOut' });
  });
});

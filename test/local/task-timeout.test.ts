/** The embedded engine enforces a Task's TimeoutSeconds with States.Timeout, as Step Functions does. */
import { describe, expect, it } from 'vitest';
import { LocalStateMachine, localFunctionArn } from '#local/engine/runner.js';

const definition = (timeoutSeconds: number, retry: boolean) =>
  JSON.stringify({
    StartAt: 'Slow Task',
    States: {
      'Slow Task': {
        Type: 'Task',
        Resource: 'arn:${Partition}:states:::lambda:invoke',
        Parameters: { FunctionName: '${SlowFunctionArn}', 'Payload.$': '$' },
        TimeoutSeconds: timeoutSeconds,
        ...(retry ? { Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 1 }] } : {}),
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.failure', Next: 'Timed Out' }],
        End: true,
      },
      'Timed Out': { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
    },
  });

function machine(timeoutSeconds: number, taskMilliseconds: number[], retry = false): { machine: LocalStateMachine; calls: () => number } {
  let calls = 0;
  const slow = async (): Promise<unknown> => {
    const ms = taskMilliseconds[calls] ?? 0;
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { done: true };
  };
  const built = new LocalStateMachine(definition(timeoutSeconds, retry), {
    stateMachineName: 'task-timeout',
    substitutions: { SlowFunctionArn: localFunctionArn('SlowFunction') },
    lambdaHandlers: { [localFunctionArn('SlowFunction')]: slow },
  });
  return { machine: built, calls: () => calls };
}

describe('LocalStateMachine TimeoutSeconds', () => {
  it('fails a task that runs past its TimeoutSeconds with States.Timeout, routed by Catch', async () => {
    // Prepare
    const { machine: slow } = machine(2, [5_000]);

    // Act
    const started = Date.now();
    const result = await slow.run({}, { timeScale: 20 });

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Timeout');
    expect(result.cause).toContain('did not finish within its TimeoutSeconds (2 s)');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('retries States.Timeout by name, and a retry that finishes in time succeeds', async () => {
    // Prepare
    const { machine: slow, calls } = machine(2, [5_000, 10], true);

    // Act
    const result = await slow.run({}, { timeScale: 20, retryIntervalMs: 1 });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(calls()).toBe(2);
  });

  it('lets a task that finishes within its TimeoutSeconds through', async () => {
    // Prepare
    const { machine: quick } = machine(2, [20]);

    // Act
    const result = await quick.run({}, { timeScale: 1 });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
  });
});

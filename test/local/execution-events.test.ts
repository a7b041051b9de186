/** The embedded engine publishes Step Functions' "Step Functions Execution Status Change" events, shaped as on AWS. */
import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '#local/events/event.js';
import { LocalStateMachine, localFunctionArn } from '#local/engine/runner.js';

const definition = JSON.stringify({
  StartAt: 'Work',
  States: {
    Work: {
      Type: 'Task',
      Resource: 'arn:${Partition}:states:::lambda:invoke',
      Parameters: { FunctionName: '${WorkFunctionArn}', 'Payload.$': '$' },
      OutputPath: '$.Payload',
      TimeoutSeconds: 30,
      End: true,
    },
  },
});
const machineThat = (work: (input: unknown) => Promise<unknown>) =>
  new LocalStateMachine(definition, {
    stateMachineName: 'parent-workflow',
    substitutions: { WorkFunctionArn: localFunctionArn('WorkFunction') },
    lambdaHandlers: { [localFunctionArn('WorkFunction')]: work },
  });

describe('Step Functions execution events of the embedded engine', () => {
  it('publishes RUNNING when an execution starts and SUCCEEDED with its output when it ends', async () => {
    // Prepare
    const events: EventBridgeEvent[] = [];
    const machine = machineThat(async () => ({ done: true }));

    // Act
    const run = await machine.run({ job: 'train' }, { executionName: 'nightly-1', onStatusChange: (event) => events.push(event) });

    // Assess
    expect(events.map((event) => event.detail.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    for (const event of events) {
      expect(event).toMatchObject({
        version: '0',
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        account: '123456789012',
        region: 'us-east-1',
        resources: [run.executionArn],
      });
      expect(Object.keys(event.detail).sort()).toEqual([
        'cause',
        'error',
        'executionArn',
        'input',
        'inputDetails',
        'name',
        'output',
        'outputDetails',
        'startDate',
        'stateMachineArn',
        'status',
        'stopDate',
      ]);
    }
    expect(events[0]?.detail).toMatchObject({
      executionArn: run.executionArn,
      stateMachineArn: machine.arn,
      name: 'nightly-1',
      input: '{"job":"train"}',
      output: null,
      stopDate: null,
    });
    expect(events[1]?.detail).toMatchObject({ output: '{"done":true}', stopDate: expect.any(Number), error: null });
  });

  it('publishes FAILED with the error and cause of a failed execution', async () => {
    // Prepare
    const events: EventBridgeEvent[] = [];
    const machine = machineThat(async () => {
      throw Object.assign(new Error('the cluster is gone'), { name: 'ClusterGone' });
    });

    // Act
    await machine.run({}, { onStatusChange: (event) => events.push(event) });

    // Assess
    expect(events.at(-1)?.detail).toMatchObject({
      status: 'FAILED',
      error: 'ClusterGone',
      output: null,
      cause: expect.stringContaining('the cluster is gone'),
    });
  });
});

/** The embedded engine fails a state whose task hands back more than Step Functions takes (256 KiB) with States.DataLimitExceeded. */
import { describe, expect, it } from 'vitest';
import { LocalStateMachine } from '#local/engine/runner.js';

const RESOURCE = 'arn:aws:states:::aws-sdk:sagemaker:listPipelines';
const definition = JSON.stringify({
  StartAt: 'Big Task',
  States: { 'Big Task': { Type: 'Task', Resource: RESOURCE, TimeoutSeconds: 30, End: true } },
});
const machineAnswering = (bytes: number): LocalStateMachine =>
  new LocalStateMachine(definition, {
    stateMachineName: 'payload-limit',
    substitutions: {},
    lambdaHandlers: {},
    resourceHandlers: { [RESOURCE]: async () => ({ blob: 'x'.repeat(bytes) }) },
  });

describe('LocalStateMachine payload limit', () => {
  it('fails the execution with States.DataLimitExceeded when a task returns more than 262,144 bytes', async () => {
    // Act
    const result = await machineAnswering(300_000).run({});

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.DataLimitExceeded');
    expect(result.cause).toMatch(/State "Big Task": the task's result has 300011 bytes; Step Functions takes at most 262144\./);
  });

  it('passes a result just under the limit', async () => {
    // Act
    const result = await machineAnswering(262_000).run({});

    // Assess
    expect(result.status).toBe('SUCCEEDED');
  });
});

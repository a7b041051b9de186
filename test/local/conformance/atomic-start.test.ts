/**
 * Requests are atomic: input nested too deep is a 400 ValidationException
 * before anything is created, so a failed CreatePipeline or
 * StartPipelineExecution leaves no pipeline, no run, no callback behind, and
 * a retry with the same token fails the same way.
 */
import {
  CreatePipelineCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { callbackStep, definition } from '#test/support/conformance-definitions.js';
import { createQueue, ROLE_ARN, useHarness, uniqueName } from '#test/support/conformance-harness.js';
import { postRaw } from '#test/support/raw-requests.js';

const harness = useHarness();

const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('atomic requests', () => {
  it('refuses a StartPipelineExecution body nested 20,000 deep with a 400 ValidationException and starts nothing, even when retried', async () => {
    // Prepare
    const name = uniqueName('atomic-start');
    const queueUrl = await createQueue(harness.sqs);
    await harness.sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: name,
        RoleArn: ROLE_ARN,
        PipelineDefinition: definition([callbackStep('Approve', queueUrl)]),
      }),
    );
    const body = `{"PipelineName": "${name}", "ClientRequestToken": "atomic-start-token-000000000001", "PipelineExecutionDescription": "x", "Extra": ${nested(20_000)}}`;

    // Act
    const first = await postRaw(harness.simulator.endpoint, 'SageMaker.StartPipelineExecution', body);
    const retry = await postRaw(harness.simulator.endpoint, 'SageMaker.StartPipelineExecution', body);
    const listed = await harness.sagemaker.send(new ListPipelineExecutionsCommand({ PipelineName: name }));

    // Assess
    for (const answer of [first, retry]) {
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        __type: 'ValidationException',
        message: expect.stringMatching(/^The request body nests 20001 levels deep; expected at most 64\.$/),
      });
    }
    expect(listed.PipelineExecutionSummaries).toEqual([]);
    expect(harness.simulator.stats().callbackMessages.sent).toBe(0);
  });

  it('refuses a pipeline definition nested deeper than 64 levels and creates no pipeline', async () => {
    // Prepare
    const name = uniqueName('atomic-create');
    const deep = JSON.stringify({
      Version: '2020-12-01',
      Steps: [{ Name: 'Train', Type: 'Training', Arguments: JSON.parse(nested(100)) as unknown }],
    });

    // Act
    const creating = harness.sagemaker.send(new CreatePipelineCommand({ PipelineName: name, RoleArn: ROLE_ARN, PipelineDefinition: deep }));

    // Assess
    await expect(creating).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('nests 103 levels deep'),
    });
    const pipelines = await harness.sagemaker.send(new ListPipelinesCommand({ PipelineNamePrefix: name }));
    expect(pipelines.PipelineSummaries).toEqual([]);
    await expect(harness.sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: name }))).rejects.toMatchObject({
      name: 'ResourceNotFound',
    });
  });
});

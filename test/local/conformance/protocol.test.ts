import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreatePipelineCommand, DescribePipelineExecutionCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { definition, jobStep } from '#test/support/conformance-definitions.js';
import { ROLE_ARN, useHarness, uniqueName } from '#test/support/conformance-harness.js';
import { postRaw } from '#test/support/raw-requests.js';
import { waitForExecutionStatus } from '#test/support/sagemaker-waits.js';

const runFile = promisify(execFile);
const hasAwsCli = await runFile('aws', ['--version'], { timeout: 30_000 }).then(
  () => true,
  () => false,
);

const harness = useHarness({ timeScale: 100 });

async function createTrainingPipeline(durationSeconds: number): Promise<string> {
  const name = uniqueName('protocol');
  await harness.sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: name,
      RoleArn: ROLE_ARN,
      PipelineDefinition: definition([jobStep('Train', 'Training', { DurationSeconds: durationSeconds })]),
    }),
  );
  return name;
}

async function startExecution(pipelineName: string): Promise<string> {
  const { PipelineExecutionArn } = await harness.sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineName }));
  return PipelineExecutionArn ?? '';
}

const startTrainingRun = async (durationSeconds: number): Promise<string> => startExecution(await createTrainingPipeline(durationSeconds));

describe('SageMaker JSON 1.1 wire protocol', () => {
  it('binds to 127.0.0.1 by default', () => {
    // Assess
    expect(new URL(harness.simulator.endpoint).hostname).toBe('127.0.0.1');
  });

  it('answers with application/x-amz-json-1.1 and epoch-second timestamps', async () => {
    // Prepare
    const arn = await startTrainingRun(1);

    // Act
    const answer = await postRaw(
      harness.simulator.endpoint,
      'SageMaker.DescribePipelineExecution',
      JSON.stringify({ PipelineExecutionArn: arn }),
    );

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/x-amz-json-1.1');
    expect(typeof answer.body['CreationTime']).toBe('number');
    expect(Math.abs((answer.body['CreationTime'] as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('rejects an unknown operation with UnknownOperationException', async () => {
    // Act
    const answer = await postRaw(harness.simulator.endpoint, 'SageMaker.ListTrainingJobs', '{}');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body['__type']).toBe('UnknownOperationException');
    expect(answer.body['message']).toContain('SageMaker.ListTrainingJobs');
  });

  it('answers anything but POST / with 404 UnknownOperationException', async () => {
    // Act
    const response = await fetch(`${harness.simulator.endpoint}/pipelines`, { signal: AbortSignal.timeout(5_000) });

    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('rejects a request without X-Amz-Target with UnknownOperationException', async () => {
    // Act
    const answer = await postRaw(harness.simulator.endpoint, undefined, '{}');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body['__type']).toBe('UnknownOperationException');
  });

  it('rejects malformed JSON with SerializationException, as AWS JSON services do, and keeps serving', async () => {
    // Act
    const broken = await postRaw(harness.simulator.endpoint, 'SageMaker.DescribePipelineExecution', '{"PipelineExecutionArn": ');
    const afterwards = await postRaw(harness.simulator.endpoint, 'SageMaker.DescribePipeline', '{"PipelineName": "absent"}');

    // Assess
    expect(broken.status).toBe(400);
    expect(broken.body['__type']).toBe('SerializationException');
    expect(broken.body['message']).toMatch(/^Malformed request body/);
    expect(afterwards.body['__type']).toBe('ResourceNotFound');
  });

  it('reports a missing required member the way SageMaker words it', async () => {
    // Act
    const answer = await postRaw(harness.simulator.endpoint, 'SageMaker.DescribePipelineExecution', '{}');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      __type: 'ValidationException',
      message: "1 validation error detected: Value null at 'pipelineExecutionArn' failed to satisfy constraint: Member must not be null",
    });
  });

  it('reports every out-of-range member in one ValidationException', async () => {
    // Act
    const answer = await postRaw(
      harness.simulator.endpoint,
      'SageMaker.ListPipelineExecutionSteps',
      JSON.stringify({ PipelineExecutionArn: 'not-an-arn', MaxResults: 500 }),
    );

    // Assess
    expect(answer.body['__type']).toBe('ValidationException');
    expect(answer.body['message']).toMatch(/^2 validation errors detected: /);
    expect(answer.body['message']).toContain(
      "Value 'not-an-arn' at 'pipelineExecutionArn' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );
    expect(answer.body['message']).toContain(
      "Value '500' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
  });

  it('answers a member of the wrong JSON type with SerializationException naming it, before any constraint is checked', async () => {
    // Act
    const answer = await postRaw(
      harness.simulator.endpoint,
      'SageMaker.ListPipelineExecutionSteps',
      JSON.stringify({ PipelineExecutionArn: 42, MaxResults: '10', SortOrder: 'Sideways' }),
    );

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      __type: 'SerializationException',
      message:
        "Member 'pipelineExecutionArn' is the number '42'; expected a string. Member 'maxResults' is the string '10'; expected an integer.",
    });
  });

  it('maps an unknown execution ARN to ResourceNotFound in the SDK', async () => {
    // Prepare
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/nothing/execution/abcdefabcdef';

    // Act
    const call = harness.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ResourceNotFound', $metadata: { httpStatusCode: 400 } });
  });

  it('runs a 20 s step in a fraction of 20 s at time scale 100', async () => {
    // Prepare
    const pipelineName = await createTrainingPipeline(20);
    const startedAt = Date.now();

    // Act
    const arn = await startExecution(pipelineName);
    await waitForExecutionStatus(harness.sagemaker, arn, 'Succeeded', 15_000);

    // Assess: 0.2 s on an idle machine; half the simulated time proves the compression on any machine.
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it.skipIf(!hasAwsCli)(
    'serves another client: the AWS CLI describes an execution (skipped when `aws` is not on PATH)',
    async () => {
      // Prepare
      const arn = await startTrainingRun(1);
      const env = {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/tmp',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      };

      // Act
      const { stdout } = await runFile(
        'aws',
        [
          'sagemaker',
          'describe-pipeline-execution',
          '--pipeline-execution-arn',
          arn,
          '--endpoint-url',
          harness.simulator.endpoint,
          '--region',
          'us-east-1',
          '--output',
          'json',
        ],
        { env, timeout: 60_000 },
      );

      // Assess
      const described = JSON.parse(stdout) as Record<string, unknown>;
      expect(described['PipelineExecutionArn']).toBe(arn);
      expect(['Executing', 'Succeeded']).toContain(described['PipelineExecutionStatus']);
    },
    90_000,
  );
});

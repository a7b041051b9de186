import { waitForExecutionStatus } from '#test/support/sagemaker-waits.js';
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SendPipelineExecutionStepSuccessCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { callbackStep, definition, jobStep, lambdaStep, LAMBDA_ARN } from '#test/support/conformance-definitions.js';
import { createQueue, ROLE_ARN, useHarness, uniqueName } from '#test/support/conformance-harness.js';
import { receiveBodies } from '#test/support/sagemaker-waits.js';

const harness = useHarness({ timeScale: 100 });

const create = (name: string, pipelineDefinition: string, token?: string) =>
  harness.sagemaker.send(
    new CreatePipelineCommand({ PipelineName: name, RoleArn: ROLE_ARN, PipelineDefinition: pipelineDefinition, ClientRequestToken: token }),
  );

describe('CreatePipeline and DescribePipeline', () => {
  it('creates a pipeline whose ARN carries the lowercased name and describes it back', async () => {
    // Prepare
    const name = uniqueName('Describe-Me');
    const pipelineDefinition = definition([jobStep('Train')]);

    // Act
    const { PipelineArn } = await create(name, pipelineDefinition);
    const described = await harness.sagemaker.send(new DescribePipelineCommand({ PipelineName: name }));

    // Assess
    expect(PipelineArn).toBe(`arn:aws:sagemaker:us-east-1:123456789012:pipeline/${name.toLowerCase()}`);
    expect(described).toMatchObject({
      PipelineArn,
      PipelineName: name,
      PipelineDefinition: pipelineDefinition,
      RoleArn: ROLE_ARN,
      PipelineStatus: 'Active',
    });
    expect(described.CreationTime).toBeInstanceOf(Date);
  });

  it('describes a pipeline by ARN as well as by name', async () => {
    // Prepare
    const name = uniqueName('by-arn');
    const { PipelineArn } = await create(name, definition([jobStep('Train')]));

    // Act
    const described = await harness.sagemaker.send(new DescribePipelineCommand({ PipelineName: PipelineArn }));

    // Assess
    expect(described.PipelineName).toBe(name);
  });

  it('treats a retry with the same ClientRequestToken as the same request', async () => {
    // Prepare
    const name = uniqueName('idempotent');
    const token = 'create-token-0123456789abcdef-0123456789';
    const first = await create(name, definition([jobStep('Train')]), token);

    // Act
    const second = await create(name, definition([jobStep('Train')]), token);

    // Assess
    expect(second.PipelineArn).toBe(first.PipelineArn);
  });

  it('rejects a second pipeline with the same name', async () => {
    // Prepare
    const name = uniqueName('taken');
    await create(name, definition([jobStep('Train')]));

    // Act
    const call = create(name, definition([jobStep('Train')]));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('already exists') });
  });

  it('answers ResourceNotFound for a pipeline that does not exist', async () => {
    // Act
    const call = harness.sagemaker.send(new DescribePipelineCommand({ PipelineName: 'no-such-pipeline' }));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ResourceNotFound' });
  });
});

describe('pipeline definition validation', () => {
  const queueUrl = 'http://127.0.0.1:1/000000000000/queue';
  const invalidDefinitions: [string, string, RegExp][] = [
    ['text that is not JSON', '{"Version": "2020-12-01", "Steps": [', /not valid JSON/],
    ['a document without Steps', JSON.stringify({ Version: '2020-12-01' }), /"Steps" must be a non-empty array/],
    ['another Version', JSON.stringify({ Version: '2017-01-01', Steps: [jobStep('A')] }), /Version must be "2020-12-01"/],
    ['two steps with one name', definition([jobStep('A'), jobStep('A')]), /'A' appears more than once/],
    ['a DependsOn on an unknown step', definition([jobStep('A', 'Training', undefined, ['Ghost'])]), /depends on unknown step 'Ghost'/],
    [
      'a DependsOn cycle',
      definition([jobStep('A', 'Training', undefined, ['B']), jobStep('B', 'Training', undefined, ['A'])]),
      /cycle: (A -> B -> A|B -> A -> B)/,
    ],
    [
      'a Callback step without SqsQueueUrl',
      definition([{ Name: 'Cb', Type: 'Callback', Arguments: {} }]),
      /Callback steps require a top-level "SqsQueueUrl"/,
    ],
    [
      'a Lambda step without FunctionArn',
      definition([{ Name: 'Fn', Type: 'Lambda', Arguments: {} }]),
      /Lambda steps require a top-level "FunctionArn"/,
    ],
    ['an unknown step type', definition([{ Name: 'X', Type: 'Teleport', Arguments: {} }]), /"Type" must be one of .*Callback/],
    ['a bad step name', definition([jobStep('has space')]), /"Name" must match/],
    ['a Training step without Arguments', definition([{ Name: 'T', Type: 'Training' }]), /Training steps require "Arguments"/],
    [
      'a Lambda timeout above 600 s',
      definition([lambdaStep('Fn', { TimeoutSeconds: 601 })]),
      /TimeoutSeconds must be a number in \(0, 600\]/,
    ],
    [
      'a timeout on a non-Lambda step',
      definition([jobStep('T', 'Training', { TimeoutSeconds: 5 })]),
      /TimeoutSeconds applies to Lambda steps only/,
    ],
    [
      'a stop duration on a Lambda step',
      definition([lambdaStep('Fn', { StopDurationSeconds: 5 })]),
      /StopDurationSeconds does not apply to Lambda or Callback steps/,
    ],
    [
      'an unknown Simulation field',
      definition([callbackStep('Cb', queueUrl), { ...jobStep('T'), Simulation: { Duration: 1 } }]),
      /unknown Simulation field "Duration"/,
    ],
  ];

  it.each(invalidDefinitions)('rejects %s with a ValidationException that says why', async (_case, pipelineDefinition, reason) => {
    // Act
    const call = create(uniqueName('invalid'), pipelineDefinition);

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(reason) });
  });

  it('accepts a definition with every supported step kind', async () => {
    // Prepare
    const steps = [
      callbackStep('Cb', queueUrl),
      { Name: 'Fn', Type: 'Lambda', Arguments: {}, FunctionArn: LAMBDA_ARN, OutputParameters: [] },
      jobStep('Train', 'Training'),
      jobStep('Process', 'Processing'),
      { Name: 'Check', Type: 'Condition', Arguments: { Conditions: [] }, DependsOn: ['Train'] },
    ];

    // Act
    const { PipelineArn } = await create(uniqueName('valid'), definition(steps));

    // Assess
    expect(PipelineArn).toMatch(/:pipeline\/valid-/);
  });
});

describe('DeletePipeline', () => {
  it('refuses to delete a pipeline while an execution runs (ConflictException), and deletes it with its executions and tokens once it ended', async () => {
    // Prepare
    const name = uniqueName('doomed');
    const queueUrl = await createQueue(harness.sqs);
    await create(name, definition([callbackStep('Wait', queueUrl)]));
    const { PipelineExecutionArn: arn = '' } = await harness.sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: name }));
    const [message] = (await receiveBodies(harness.sqs, queueUrl, 1)) as { token: string }[];

    // Act
    const whileRunning = harness.sagemaker.send(new DeletePipelineCommand({ PipelineName: name })).then(
      () => undefined,
      (error: unknown) => error,
    );
    await harness.sagemaker.send(
      new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: 'delete-test-stop'.padEnd(32, '0') }),
    );
    await harness.sagemaker.send(new SendPipelineExecutionStepSuccessCommand({ CallbackToken: message?.token }));
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');
    const deleted = await harness.sagemaker.send(new DeletePipelineCommand({ PipelineName: name }));

    // Assess
    expect(await whileRunning).toMatchObject({
      name: 'ConflictException',
      message: expect.stringMatching(/in status Executing or Stopping; stop them/),
    });
    expect(deleted.PipelineArn).toContain(name.toLowerCase());
    await expect(harness.sagemaker.send(new DescribePipelineCommand({ PipelineName: name }))).rejects.toMatchObject({
      name: 'ResourceNotFound',
    });
    await expect(harness.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }))).rejects.toMatchObject({
      name: 'ResourceNotFound',
    });
    await expect(harness.sagemaker.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn }))).rejects.toMatchObject({
      name: 'ResourceNotFound',
    });
    await expect(
      harness.sagemaker.send(new SendPipelineExecutionStepSuccessCommand({ CallbackToken: message?.token })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('answers ResourceNotFound when the pipeline does not exist', async () => {
    // Act
    const call = harness.sagemaker.send(new DeletePipelineCommand({ PipelineName: 'never-created' }));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ResourceNotFound' });
  });
});

import { checkLeftovers } from '#pipeline-runs/leftovers.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { ListPipelineExecutionStepsCommand, SageMakerClient, type PipelineExecutionStep } from '@aws-sdk/client-sagemaker';
import { callbackTokenOf, inferStepType, isDraining, listAllSteps, toStepView } from '#pipeline-runs/pipeline-steps.js';
import { ARN, T0, callbackStep, lambdaStep, trainingStep } from '#test/support/fixtures.js';

const sagemaker = mockClient(SageMakerClient);

const named = (prefix: string, count: number): PipelineExecutionStep[] =>
  Array.from({ length: count }, (_, index) => ({ StepName: `${prefix}${index}`, StepStatus: 'Succeeded' }));

describe('listAllSteps', () => {
  beforeEach(() => sagemaker.reset());

  it('reads every page, passing each NextToken and asking for 100 steps a page', async () => {
    // Prepare
    sagemaker
      .on(ListPipelineExecutionStepsCommand)
      .resolvesOnce({ PipelineExecutionSteps: named('a', 100), NextToken: 'page-2' })
      .resolvesOnce({ PipelineExecutionSteps: named('b', 100), NextToken: 'page-3' })
      .resolvesOnce({ PipelineExecutionSteps: named('c', 7) });
    // Act
    const steps = await listAllSteps(new SageMakerClient({}), ARN);
    // Assess
    expect(steps).toHaveLength(207);
    expect(steps.map((step) => step.StepName).slice(99, 101)).toEqual(['a99', 'b0']);
    expect(steps.at(-1)?.StepName).toBe('c6');
    expect(sagemaker).toHaveReceivedCommandTimes(ListPipelineExecutionStepsCommand, 3);
    const inputs = sagemaker.commandCalls(ListPipelineExecutionStepsCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { PipelineExecutionArn: ARN, MaxResults: 100 },
      { PipelineExecutionArn: ARN, MaxResults: 100, NextToken: 'page-2' },
      { PipelineExecutionArn: ARN, MaxResults: 100, NextToken: 'page-3' },
    ]);
  });

  it('makes one call when the first page has no NextToken', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: named('s', 3) });
    // Act
    const steps = await listAllSteps(new SageMakerClient({}), ARN);
    // Assess
    expect(steps).toHaveLength(3);
    expect(sagemaker).toHaveReceivedCommandOnce(ListPipelineExecutionStepsCommand);
  });

  it('keeps going across an empty page that still carries a NextToken', async () => {
    // Prepare
    sagemaker
      .on(ListPipelineExecutionStepsCommand)
      .resolvesOnce({ PipelineExecutionSteps: [], NextToken: 'more' })
      .resolvesOnce({ PipelineExecutionSteps: named('late', 2) });
    // Act
    const steps = await listAllSteps(new SageMakerClient({}), ARN);
    // Assess
    expect(steps.map((step) => step.StepName)).toEqual(['late0', 'late1']);
  });

  it('returns no steps when SageMaker omits the list', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({});
    // Act
    const steps = await listAllSteps(new SageMakerClient({}), ARN);
    // Assess
    expect(steps).toEqual([]);
  });

  it('stops after 50 pages when SageMaker keeps returning a NextToken', async () => {
    // Prepare
    let page = 0;
    sagemaker.on(ListPipelineExecutionStepsCommand).callsFake(() => {
      page += 1;
      return { PipelineExecutionSteps: named(`p${page}-`, 100), NextToken: `after-${page}` };
    });
    // Act
    const steps = await listAllSteps(new SageMakerClient({}), ARN);
    // Assess
    expect(sagemaker).toHaveReceivedCommandTimes(ListPipelineExecutionStepsCommand, 50);
    expect(steps).toHaveLength(5_000);
  });

  it('lets a SageMaker error propagate', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionStepsCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    // Act
    const listing = listAllSteps(new SageMakerClient({}), ARN);
    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('inferStepType', () => {
  it.each<[string, PipelineExecutionStep['Metadata'], string]>([
    ['Callback', { Callback: { CallbackToken: 'AbCdEfGh12', SqsQueueUrl: 'https://sqs/q' } }, 'Callback'],
    ['Lambda', { Lambda: { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:f' } }, 'Lambda'],
    ['TrainingJob', { TrainingJob: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/t' } }, 'TrainingJob'],
    ['ProcessingJob', { ProcessingJob: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/p' } }, 'ProcessingJob'],
    ['Condition', { Condition: { Outcome: 'True' } }, 'Condition'],
    ['Endpoint (newer)', { Endpoint: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/e' } }, 'Endpoint'],
    ['EndpointConfig (newer)', { EndpointConfig: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/c' } }, 'EndpointConfig'],
    [
      'InferenceComponent (newer)',
      { InferenceComponent: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:inference-component/i' } } as never,
      'InferenceComponent',
    ],
    ['Lineage (newer)', { Lineage: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:lineage/l' } } as never, 'Lineage'],
    [
      'a Bedrock kind (newer)',
      { BedrockCustomModel: { ModelArn: 'arn:aws:bedrock:us-east-1:123456789012:custom-model/m' } } as never,
      'BedrockCustomModel',
    ],
    ['a key no SDK knows yet', { SomethingNewer: { Arn: 'arn' } } as never, 'SomethingNewer'],
    ['an empty Metadata', {}, 'Unknown'],
    ['no Metadata', undefined, 'Unknown'],
  ])('infers the type from %s metadata', (_label, metadata, expected) => {
    // Act
    const type = inferStepType({ StepName: 'S', Metadata: metadata });
    // Assess
    expect(type).toBe(expected);
  });

  it('skips keys whose value is undefined', () => {
    // Act
    const type = inferStepType({ Metadata: { Callback: undefined, Lambda: { Arn: 'arn' } } });
    // Assess
    expect(type).toBe('Lambda');
  });
});

describe('steps of kinds newer than this code', () => {
  it('reports them by their Metadata key, reads no job behind them and never fails on them', async () => {
    // Prepare
    const steps: PipelineExecutionStep[] = [
      { StepName: 'Deploy', StepStatus: 'Stopped', Metadata: { Endpoint: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/e' } } },
      {
        StepName: 'Tune',
        StepStatus: 'Stopped',
        Metadata: { BedrockCustomModel: { ModelArn: 'arn:aws:bedrock:us-east-1:123456789012:custom-model/m' } } as never,
      },
    ];

    // Act
    const views = steps.map(toStepView);
    const leftovers = await checkLeftovers({} as never, steps, {
      stopLeftoverJobs: true,
      releasedStepNames: new Set(),
      pace: async () => undefined,
    });

    // Assess
    expect(views.map((view) => view.type)).toEqual(['Endpoint', 'BedrockCustomModel']);
    expect(leftovers).toEqual({ jobs: [], leftovers: [], jobsNotChecked: 0 });
  });
});

describe('isDraining', () => {
  it.each([
    ['Starting', true],
    ['Executing', true],
    ['Stopping', true],
    ['Stopped', false],
    ['Failed', false],
    ['Succeeded', false],
  ])('says a %s step is draining: %s', (status, expected) => {
    // Act / Assess
    expect(isDraining({ StepStatus: status })).toBe(expected);
  });

  it('says a step without a status is not draining', () => {
    // Act / Assess
    expect(isDraining({})).toBe(false);
  });
});

describe('callbackTokenOf', () => {
  it('reads the callback token of a Callback step and nothing from other steps', () => {
    // Act / Assess
    expect(callbackTokenOf(callbackStep('Approve', 'AbCdEfGh12'))).toBe('AbCdEfGh12');
    expect(callbackTokenOf(lambdaStep('Work'))).toBeUndefined();
  });
});

describe('toStepView', () => {
  it('masks the callback token of a Callback step', () => {
    // Prepare
    const token = 'AbCdEfGh12';
    // Act
    const view = toStepView(callbackStep('Approve', token, 'Stopping'));
    // Assess
    expect(view).toEqual({ name: 'Approve', type: 'Callback', status: 'Stopping', startedAt: T0, callbackToken: '***h12' });
    expect(JSON.stringify(view)).not.toContain(token);
  });

  it('reports times as ISO strings and keeps the failure reason', () => {
    // Prepare
    const step = lambdaStep('Work', 'Failed', {
      EndTime: new Date('2025-03-01T12:10:00.000Z'),
      FailureReason: 'Lambda function timed out after 600 seconds',
    });
    // Act
    const view = toStepView(step);
    // Assess
    expect(view).toEqual({
      name: 'Work',
      type: 'Lambda',
      status: 'Failed',
      startedAt: T0,
      endedAt: '2025-03-01T12:10:00.000Z',
      failureReason: 'Lambda function timed out after 600 seconds',
    });
  });

  it('omits what SageMaker did not report', () => {
    // Act
    const view = toStepView({});
    // Assess
    expect(view).toEqual({ name: '(unnamed)', type: 'Unknown', status: 'Unknown' });
  });

  it('reports a training step by its metadata type without a token', () => {
    // Act
    const view = toStepView(trainingStep('Train'));
    // Assess
    expect(view).toEqual({ name: 'Train', type: 'TrainingJob', status: 'Executing', startedAt: T0 });
  });
});

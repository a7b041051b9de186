import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import {
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  ResourceNotFound,
  SageMakerClient,
  StopTrainingJobCommand,
  type PipelineExecutionStep,
} from '@aws-sdk/client-sagemaker';
import { checkLeftovers, jobsOfSteps } from '#pipeline-runs/leftovers.js';
import { sdkError } from '#test/support/fixtures.js';

const sagemaker = mockClient(SageMakerClient);
const TRAINING = 'arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-abc-train-x1';
const CHECK = 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/pipelines-abc-check-x2';
const steps: PipelineExecutionStep[] = [
  { StepName: 'Train', StepStatus: 'Stopped', Metadata: { TrainingJob: { Arn: TRAINING } } },
  { StepName: 'DataQuality', StepStatus: 'Stopped', Metadata: { QualityCheck: { CheckType: 'DATA_QUALITY', CheckJobArn: CHECK } } },
  {
    StepName: 'Score',
    StepStatus: 'Failed',
    FailureReason: 'Lambda step timed out after 600 seconds',
    Metadata: { Lambda: { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:score' } },
  },
  {
    StepName: 'Approve',
    StepStatus: 'Failed',
    Metadata: { Callback: { CallbackToken: 'abcDEF1234', SqsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals' } },
  },
];
const options = (overrides: Partial<Parameters<typeof checkLeftovers>[2]> = {}) => ({
  stopLeftoverJobs: true,
  releasedStepNames: new Set(['Approve']),
  pace: async () => undefined,
  ...overrides,
});

describe('jobsOfSteps', () => {
  it("finds the job in each step's Metadata, the check steps' CheckJobArn as a processing job", () => {
    expect(jobsOfSteps(steps)).toEqual([
      { stepName: 'Train', kind: 'TrainingJob', arn: TRAINING },
      { stepName: 'DataQuality', kind: 'ProcessingJob', arn: CHECK },
    ]);
  });
});

describe('checkLeftovers', () => {
  beforeEach(() => sagemaker.reset());

  it('stops a job still InProgress and names the timed-out Lambda function and the released callback work', async () => {
    // Prepare
    sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobStatus: 'InProgress' });
    sagemaker.on(DescribeProcessingJobCommand).resolves({ ProcessingJobStatus: 'Stopped' });
    sagemaker.on(StopTrainingJobCommand).resolves({});

    // Act
    const result = await checkLeftovers(new SageMakerClient({}), steps, options());

    // Assess
    expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, { TrainingJobName: 'pipelines-abc-train-x1' });
    expect(result.jobs.map((job) => [job.stepName, job.status])).toEqual([
      ['Train', 'InProgress'],
      ['DataQuality', 'Stopped'],
    ]);
    expect(result.leftovers.map((leftover) => [leftover.stepName, leftover.kind, leftover.action, leftover.resource])).toEqual([
      ['Train', 'TrainingJob', 'StopRequested', TRAINING],
      ['Score', 'LambdaFunction', 'CannotStop', 'arn:aws:lambda:us-east-1:123456789012:function:score'],
      ['Approve', 'CallbackWork', 'CannotStop', 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals'],
    ]);
  });

  it('only reports a running job when stopLeftoverJobs is false', async () => {
    // Prepare
    sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobStatus: 'InProgress' });

    // Act
    const result = await checkLeftovers(new SageMakerClient({}), steps.slice(0, 1), options({ stopLeftoverJobs: false }));

    // Assess
    expect(sagemaker).toHaveReceivedCommandTimes(StopTrainingJobCommand, 0);
    expect(result.leftovers).toEqual([expect.objectContaining({ kind: 'TrainingJob', action: 'NotStopped' })]);
  });

  it('reports a job it cannot read as Unknown, and a refused stop as StopFailed, and goes on', async () => {
    // Prepare
    sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobStatus: 'InProgress' });
    sagemaker.on(StopTrainingJobCommand).rejects(sdkError('ValidationException', 'The job is not InProgress'));
    sagemaker.on(DescribeProcessingJobCommand).rejects(new ResourceNotFound({ message: 'gone', $metadata: {} }));

    // Act
    const result = await checkLeftovers(new SageMakerClient({}), steps.slice(0, 2), options());

    // Assess
    expect(result.jobs.map((job) => job.status)).toEqual(['InProgress', 'Unknown']);
    expect(result.leftovers).toEqual([
      expect.objectContaining({ action: 'StopFailed', detail: expect.stringContaining('ValidationException') }),
    ]);
  });

  it('lets a transient error through by name, for the state machine to retry', async () => {
    // Prepare
    sagemaker.on(DescribeTrainingJobCommand).rejects(sdkError('ThrottlingException', 'Rate exceeded'));

    // Act
    const checking = checkLeftovers(new SageMakerClient({}), steps.slice(0, 1), options());

    // Assess
    await expect(checking).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

/**
 * The jobs behind pipeline steps: DescribeXxxJob / StopXxxJob for the five job kinds, through the
 * plain SDK, with SageMaker's statuses; a job ends with its step, unless the fault
 * JobOutlivesStepSeconds keeps it running after its step ended.
 */
import {
  CreatePipelineCommand,
  DescribeAutoMLJobCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { waitFor } from '#local/bounded.js';
import { definition, jobStep, type StepJson } from '#test/support/conformance-definitions.js';
import { ROLE_ARN, uniqueName, useHarness } from '#test/support/conformance-harness.js';
import { listAllSteps, waitForExecutionStatus } from '#test/support/sagemaker-waits.js';

const harness = useHarness({ timeScale: 100 });
const nameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

async function run(steps: StepJson[]): Promise<string> {
  const name = uniqueName('jobs');
  await harness.sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: name,
      RoleArn: ROLE_ARN,
      PipelineDefinition: definition(steps),
      ClientRequestToken: randomUUID(),
    }),
  );
  const { PipelineExecutionArn: arn = '' } = await harness.sagemaker.send(
    new StartPipelineExecutionCommand({ PipelineName: name, ClientRequestToken: randomUUID() }),
  );
  return arn;
}

/** The job ARN in each step's Metadata, by step name, once every step started. */
async function jobArns(arn: string, count: number): Promise<Record<string, string>> {
  const { steps } = await waitFor(
    'the steps to start',
    () => listAllSteps(harness.sagemaker, arn),
    (listed) => listed.steps.length >= count,
  );
  return Object.fromEntries(
    steps.map((step) => {
      const metadata = step.Metadata ?? {};
      const found = [
        metadata.TrainingJob?.Arn,
        metadata.ProcessingJob?.Arn,
        metadata.TransformJob?.Arn,
        metadata.TuningJob?.Arn,
        metadata.AutoMLJob?.Arn,
        metadata.QualityCheck?.CheckJobArn,
      ].find(Boolean);
      return [step.StepName ?? '', found ?? ''];
    }),
  );
}

const stopRun = (arn: string) =>
  harness.sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: randomUUID() }));

describe('the jobs behind pipeline steps', () => {
  it("describes the job of each of the five kinds, InProgress while its step runs, with its kind's own fields", async () => {
    // Prepare
    const arn = await run([
      jobStep('Train', 'Training', { DurationSeconds: 1000 }),
      jobStep('Prepare', 'Processing', { DurationSeconds: 1000 }),
      jobStep('Score', 'Transform', { DurationSeconds: 1000 }),
      jobStep('Tune', 'Tuning', { DurationSeconds: 1000 }),
      jobStep('Auto', 'AutoML', { DurationSeconds: 1000 }),
    ]);
    const jobs = await jobArns(arn, 5);

    // Act
    const training = await harness.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: nameOf(jobs.Train ?? '') }));
    const processing = await harness.sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: nameOf(jobs.Prepare ?? '') }));
    const transform = await harness.sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: nameOf(jobs.Score ?? '') }));
    const tuning = await harness.sagemaker.send(
      new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: nameOf(jobs.Tune ?? '') }),
    );
    const automl = await harness.sagemaker.send(new DescribeAutoMLJobCommand({ AutoMLJobName: nameOf(jobs.Auto ?? '') }));
    await stopRun(arn);

    // Assess
    expect(training).toMatchObject({ TrainingJobArn: jobs.Train, TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training' });
    expect(processing).toMatchObject({ ProcessingJobArn: jobs.Prepare, ProcessingJobStatus: 'InProgress' });
    expect(transform).toMatchObject({ TransformJobArn: jobs.Score, TransformJobStatus: 'InProgress' });
    expect(tuning).toMatchObject({ HyperParameterTuningJobArn: jobs.Tune, HyperParameterTuningJobStatus: 'InProgress' });
    expect(automl).toMatchObject({ AutoMLJobArn: jobs.Auto, AutoMLJobStatus: 'InProgress' });
    expect(training.CreationTime).toBeInstanceOf(Date);
  });

  it('stops the job with its step: Stopping, then Stopped when the step is', async () => {
    // Prepare
    const arn = await run([jobStep('Train', 'Training', { DurationSeconds: 1000, StopDurationSeconds: 20 })]);
    const { Train: job = '' } = await jobArns(arn, 1);

    // Act
    await stopRun(arn);
    const stopping = await harness.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: nameOf(job) }));
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');
    const stopped = await harness.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: nameOf(job) }));

    // Assess
    expect(stopping.TrainingJobStatus).toBe('Stopping');
    expect(stopped).toMatchObject({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped' });
    expect(stopped.TrainingEndTime).toBeInstanceOf(Date);
  });

  it('keeps a job running after its step ended when the fault says so, until StopTrainingJob stops it', async () => {
    // Prepare
    const arn = await run([
      jobStep('Train', 'Training', { DurationSeconds: 1000, StopDurationSeconds: 2, JobOutlivesStepSeconds: 100_000 }),
    ]);
    const { Train: job = '' } = await jobArns(arn, 1);
    await stopRun(arn);
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');

    // Act
    const leftover = await harness.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: nameOf(job) }));
    await harness.sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: nameOf(job) }));
    const again = harness.sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: nameOf(job) })).then(
      () => undefined,
      (error: unknown) => error,
    );
    const stopped = await waitFor(
      'the job to stop',
      () => harness.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: nameOf(job) })),
      (found) => found.TrainingJobStatus === 'Stopped',
    );

    // Assess
    expect(leftover.TrainingJobStatus).toBe('InProgress');
    expect(await again).toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/only an InProgress job can be stopped/),
    });
    expect(stopped.TrainingJobStatus).toBe('Stopped');
  });

  it('answers an unknown job with ResourceNotFound and a malformed name with ValidationException', async () => {
    // Act
    const unknown = harness.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: 'no-such-job' }));
    const malformed = harness.sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: 'not a name' }));

    // Assess
    await expect(unknown).rejects.toMatchObject({ name: 'ResourceNotFound' });
    await expect(malformed).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

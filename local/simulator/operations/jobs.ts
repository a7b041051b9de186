/**
 * The jobs behind pipeline steps: DescribeXxxJob and StopXxxJob for training, processing,
 * transform, hyperparameter tuning and AutoML jobs, with SageMaker's names for each kind's fields
 * and statuses (InProgress, Stopping, Stopped, Completed, Failed). Stopping a job that is not
 * InProgress is a ValidationException, as in SageMaker.
 */
import { validationError } from '#local/simulator/errors.js';
import type { Job, JobKind, JsonObject } from '#local/simulator/types.js';
import { RequestReader } from '#local/simulator/validation.js';
import type { OperationContext, OperationHandler } from './context.js';

/** SageMaker's job names: 1-63 letters, digits and hyphens (32 for AutoML). */
const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

interface KindWire {
  /** The request's name field, and the prefix of the response's fields. */
  nameField: string;
  prefix: string;
  endTimeField: string;
  /** Fields SageMaker always returns for this kind, beside the name, ARN, status and times. */
  extra: (job: Job) => JsonObject;
}

const KINDS: Record<JobKind, KindWire> = {
  TrainingJob: {
    nameField: 'TrainingJobName',
    prefix: 'TrainingJob',
    endTimeField: 'TrainingEndTime',
    extra: (job) => ({
      SecondaryStatus: { InProgress: 'Training', Stopping: 'Stopping', Stopped: 'Stopped', Completed: 'Completed', Failed: 'Failed' }[
        job.status
      ],
      AlgorithmSpecification: {
        TrainingInputMode: 'File',
        TrainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
      },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      ModelArtifacts: { S3ModelArtifacts: `s3://sagemaker-us-east-1-123456789012/${job.name}/output/model.tar.gz` },
      RoleArn: job.roleArn,
      TrainingStartTime: job.creationTime,
    }),
  },
  ProcessingJob: {
    nameField: 'ProcessingJobName',
    prefix: 'ProcessingJob',
    endTimeField: 'ProcessingEndTime',
    extra: (job) => ({
      ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
      AppSpecification: { ImageUri: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1' },
      RoleArn: job.roleArn,
      ProcessingStartTime: job.creationTime,
    }),
  },
  TransformJob: {
    nameField: 'TransformJobName',
    prefix: 'TransformJob',
    endTimeField: 'TransformEndTime',
    extra: (job) => ({
      ModelName: `${job.name}-model`.slice(0, 63),
      TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://sagemaker-us-east-1-123456789012/input' } } },
      TransformResources: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1 },
      TransformStartTime: job.creationTime,
    }),
  },
  TuningJob: {
    nameField: 'HyperParameterTuningJobName',
    prefix: 'HyperParameterTuningJob',
    endTimeField: 'HyperParameterTuningEndTime',
    extra: () => ({
      HyperParameterTuningJobConfig: { Strategy: 'Bayesian', ResourceLimits: { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 2 } },
      TrainingJobStatusCounters: { Completed: 0, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 },
      ObjectiveStatusCounters: { Succeeded: 0, Pending: 0, Failed: 0 },
    }),
  },
  AutoMLJob: {
    nameField: 'AutoMLJobName',
    prefix: 'AutoMLJob',
    endTimeField: 'EndTime',
    extra: (job) => ({
      AutoMLJobSecondaryStatus: {
        InProgress: 'Starting',
        Stopping: 'Stopping',
        Stopped: 'Stopped',
        Completed: 'Completed',
        Failed: 'Failed',
      }[job.status],
      InputDataConfig: [
        {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://sagemaker-us-east-1-123456789012/automl' } },
          TargetAttributeName: 'label',
        },
      ],
      OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/automl/output' },
      RoleArn: job.roleArn,
    }),
  },
};

function jobOf(kind: JobKind, body: JsonObject, { store }: OperationContext): Job {
  const wire = KINDS[kind];
  const request = new RequestReader(body);
  const name = request.string(wire.nameField, { required: true, minLength: 1, maxLength: 63, pattern: JOB_NAME });
  request.assertValid();
  return store.getJob(kind, name);
}

function describe(kind: JobKind): OperationHandler {
  const wire = KINDS[kind];
  return (body, context) => {
    const job = jobOf(kind, body, context);
    return {
      [`${wire.prefix}Name`]: job.name,
      [`${wire.prefix}Arn`]: job.arn,
      [`${wire.prefix}Status`]: job.status,
      CreationTime: job.creationTime,
      // A transform job's description has no LastModifiedTime in SageMaker's model.
      ...(kind === 'TransformJob' ? {} : { LastModifiedTime: job.lastModifiedTime }),
      ...(job.endTime === undefined ? {} : { [wire.endTimeField]: job.endTime }),
      ...(job.failureReason === undefined ? {} : { FailureReason: job.failureReason }),
      ...wire.extra(job),
    };
  };
}

function stop(kind: JobKind): OperationHandler {
  return (body, context) => {
    const job = jobOf(kind, body, context);
    if (job.status !== 'InProgress') {
      throw validationError(`The job ${job.name} is in status ${job.status}; only an InProgress job can be stopped.`);
    }
    context.engine.stopJob(job);
    return {};
  };
}

/** The job operations by X-Amz-Target suffix. */
export const JOB_OPERATIONS: Readonly<Record<string, OperationHandler>> = {
  DescribeTrainingJob: describe('TrainingJob'),
  StopTrainingJob: stop('TrainingJob'),
  DescribeProcessingJob: describe('ProcessingJob'),
  StopProcessingJob: stop('ProcessingJob'),
  DescribeTransformJob: describe('TransformJob'),
  StopTransformJob: stop('TransformJob'),
  DescribeHyperParameterTuningJob: describe('TuningJob'),
  StopHyperParameterTuningJob: stop('TuningJob'),
  DescribeAutoMLJob: describe('AutoMLJob'),
  StopAutoMLJob: stop('AutoMLJob'),
};

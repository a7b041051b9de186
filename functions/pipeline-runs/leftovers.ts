/**
 * What may still run behind a run that ended: the jobs its steps started (the ARN in each step's
 * Metadata - TrainingJob, ProcessingJob, TransformJob, TuningJob, AutoMLJob, and the check steps'
 * CheckJobArn, a processing job), the function of a Lambda step that timed out (SageMaker does not
 * stop it: it may run on until its own timeout), and the consumer's work behind a callback step
 * that was released without an answer. Each job's final status is read; a job still InProgress is
 * stopped (StopTrainingJob and the like) unless the caller said not to. The run ends as it did:
 * this is what it leaves behind, not a new failure.
 */
import {
  DescribeAutoMLJobCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  StopAutoMLJobCommand,
  StopHyperParameterTuningJobCommand,
  StopProcessingJobCommand,
  StopTrainingJobCommand,
  StopTransformJobCommand,
  type PipelineExecutionStep,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { isErrorNamed } from '#commons/errors.js';
import { isNotFoundError } from './sagemaker-errors.js';
import { clip } from '#commons/text.js';

export const JOB_KINDS = ['TrainingJob', 'ProcessingJob', 'TransformJob', 'TuningJob', 'AutoMLJob'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** At most this many jobs are looked at per run (a step has one job; a run has at most a few hundred steps). */
export const MAX_JOBS_PER_RUN = 200;

/** A job behind a step, and the status it had when the run's end was checked. */
export interface JobReport {
  stepName: string;
  kind: JobKind;
  arn: string;
  /** InProgress, Stopping, Stopped, Completed, Failed; Unknown when it could not be read. */
  status: string;
}

/** Something behind the run that may still run, and what was done about it. */
export interface Leftover {
  stepName: string;
  kind: JobKind | 'LambdaFunction' | 'CallbackWork';
  /** The job or function ARN, or the callback step's queue URL. */
  resource: string;
  /** StopRequested: StopXxxJob accepted. NotStopped: stopLeftoverJobs was false. StopFailed: SageMaker refused. Cannot stop: a Lambda function, a consumer's work. */
  action: 'StopRequested' | 'NotStopped' | 'StopFailed' | 'CannotStop';
  detail: string;
}

export interface LeftoverCheck {
  jobs: JobReport[];
  leftovers: Leftover[];
  /** Jobs past MAX_JOBS_PER_RUN, not looked at. */
  jobsNotChecked: number;
}

interface KindCalls {
  describe: (name: string) => Promise<string | undefined>;
  stop: (name: string) => Promise<unknown>;
}

function callsOf(sagemaker: SageMakerClient, kind: JobKind): KindCalls {
  switch (kind) {
    case 'TrainingJob':
      return {
        describe: async (name) => (await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name })))?.TrainingJobStatus,
        stop: (name) => sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: name })),
      };
    case 'ProcessingJob':
      return {
        describe: async (name) =>
          (await sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: name })))?.ProcessingJobStatus,
        stop: (name) => sagemaker.send(new StopProcessingJobCommand({ ProcessingJobName: name })),
      };
    case 'TransformJob':
      return {
        describe: async (name) => (await sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: name })))?.TransformJobStatus,
        stop: (name) => sagemaker.send(new StopTransformJobCommand({ TransformJobName: name })),
      };
    case 'TuningJob':
      return {
        describe: async (name) =>
          (await sagemaker.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name })))
            ?.HyperParameterTuningJobStatus,
        stop: (name) => sagemaker.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name })),
      };
    case 'AutoMLJob':
      return {
        describe: async (name) => (await sagemaker.send(new DescribeAutoMLJobCommand({ AutoMLJobName: name })))?.AutoMLJobStatus,
        stop: (name) => sagemaker.send(new StopAutoMLJobCommand({ AutoMLJobName: name })),
      };
  }
}

/** The job each step started, from its Metadata (the check steps' jobs are processing jobs). */
export function jobsOfSteps(steps: readonly PipelineExecutionStep[]): Array<{ stepName: string; kind: JobKind; arn: string }> {
  const jobs: Array<{ stepName: string; kind: JobKind; arn: string }> = [];
  for (const step of steps) {
    const metadata = step.Metadata ?? {};
    const stepName = step.StepName ?? '(unnamed)';
    for (const kind of JOB_KINDS) {
      const arn = (metadata as Record<string, { Arn?: string } | undefined>)[kind]?.Arn;
      if (arn) jobs.push({ stepName, kind, arn });
    }
    const checkJob = metadata.QualityCheck?.CheckJobArn ?? metadata.ClarifyCheck?.CheckJobArn;
    if (checkJob) jobs.push({ stepName, kind: 'ProcessingJob', arn: checkJob });
  }
  return jobs;
}

const jobNameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);
/** SageMaker will not read or stop this job (gone, not ours, not in a state to stop): reported, never a failure of the stop. */
const isJobRefusal = (error: unknown): boolean =>
  isNotFoundError(error) || isErrorNamed(error, 'ValidationException', 'AccessDeniedException');
const errorText = (error: unknown): string => clip(error instanceof Error ? `${error.name}: ${error.message}` : String(error), 300);

export interface LeftoverOptions {
  /** Stop a job still InProgress (default true). */
  stopLeftoverJobs: boolean;
  /** Steps whose callback token was released without an answer. */
  releasedStepNames: ReadonlySet<string>;
  /** Awaited before each SageMaker call (the caller's pace). */
  pace: () => Promise<void>;
}

/** Reads the job behind every step, stops the ones still running, and names what cannot be stopped. */
export async function checkLeftovers(
  sagemaker: SageMakerClient,
  steps: readonly PipelineExecutionStep[],
  options: LeftoverOptions,
): Promise<LeftoverCheck> {
  const all = jobsOfSteps(steps);
  const result: LeftoverCheck = { jobs: [], leftovers: [], jobsNotChecked: Math.max(0, all.length - MAX_JOBS_PER_RUN) };
  for (const job of all.slice(0, MAX_JOBS_PER_RUN)) {
    const calls = callsOf(sagemaker, job.kind);
    const name = jobNameOf(job.arn);
    await options.pace();
    let status: string;
    try {
      status = (await calls.describe(name)) ?? 'Unknown';
    } catch (error) {
      if (!isJobRefusal(error)) throw error;
      status = 'Unknown';
    }
    result.jobs.push({ ...job, status });
    if (status !== 'InProgress') continue;
    const leftover = (action: Leftover['action'], detail: string): void => {
      result.leftovers.push({ stepName: job.stepName, kind: job.kind, resource: job.arn, action, detail });
    };
    if (!options.stopLeftoverJobs) {
      leftover('NotStopped', 'still InProgress after the run ended; stopLeftoverJobs is false');
      continue;
    }
    await options.pace();
    try {
      await calls.stop(name);
      leftover('StopRequested', 'still InProgress after the run ended: stopped');
    } catch (error) {
      if (!isJobRefusal(error)) throw error;
      leftover('StopFailed', `SageMaker refused to stop it: ${errorText(error)}`);
    }
  }
  for (const step of steps) {
    const stepName = step.StepName ?? '(unnamed)';
    const lambda = step.Metadata?.Lambda?.Arn;
    if (lambda && step.StepStatus === 'Failed' && /timed out/i.test(step.FailureReason ?? '')) {
      result.leftovers.push({
        stepName,
        kind: 'LambdaFunction',
        resource: lambda,
        action: 'CannotStop',
        detail: 'the step timed out; SageMaker does not stop the function, which may run on until its own timeout',
      });
    }
    const queue = step.Metadata?.Callback?.SqsQueueUrl;
    if (options.releasedStepNames.has(stepName)) {
      result.leftovers.push({
        stepName,
        kind: 'CallbackWork',
        resource: queue ?? '(queue unknown)',
        action: 'CannotStop',
        detail: 'released without an answer from its consumer: the work its message started may continue',
      });
    }
  }
  return result;
}

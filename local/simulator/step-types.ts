import { jobArn, newJobSuffix, type AccountScope } from './arns.js';
import type { Execution, JobKind, JsonObject, JsonValue, StepRun } from './types.js';

/**
 * What each pipeline step type does in the simulator and how its `Metadata`
 * looks in ListPipelineExecutionSteps (exactly one key, named by type).
 *
 * - callback: waits for SendPipelineExecutionStepSuccess/Failure.
 * - lambda:   runs for Simulation.DurationSeconds; cannot be stopped; times out.
 * - job:      runs for Simulation.DurationSeconds; on stop goes Stopping → Stopped.
 * - instant:  Condition and Fail steps; finish after DurationSeconds (default 0).
 * - synchronous: Model and RegisterModel steps, one API call each: they finish, a stop does not stop them.
 */
export type StepKind = 'callback' | 'lambda' | 'job' | 'instant' | 'synchronous';

interface StepTypeInfo {
  kind: StepKind;
  /** The job the step runs (DescribeXxxJob / StopXxxJob answer for it). */
  jobKind?: JobKind;
  /** Job ARN resource type, e.g. "training-job". */
  arnResource?: string;
  /** The pipeline definition schema requires `Arguments` for these types. */
  argumentsRequired?: boolean;
  metadata: (step: StepRun, execution: Execution) => JsonObject;
}

const withArn =
  (key: string) =>
  (step: StepRun): JsonObject => ({ [key]: { Arn: step.jobArn ?? '' } });

const checkMetadata =
  (key: string) =>
  (step: StepRun): JsonObject => ({
    [key]: { CheckType: String(step.definition.arguments['CheckType'] ?? 'DATA_QUALITY'), CheckJobArn: step.jobArn ?? '' },
  });

const STEP_TYPES: Record<string, StepTypeInfo> = {
  Training: { kind: 'job', jobKind: 'TrainingJob', arnResource: 'training-job', argumentsRequired: true, metadata: withArn('TrainingJob') },
  Processing: {
    kind: 'job',
    jobKind: 'ProcessingJob',
    arnResource: 'processing-job',
    argumentsRequired: true,
    metadata: withArn('ProcessingJob'),
  },
  Transform: {
    kind: 'job',
    jobKind: 'TransformJob',
    arnResource: 'transform-job',
    argumentsRequired: true,
    metadata: withArn('TransformJob'),
  },
  Tuning: {
    kind: 'job',
    jobKind: 'TuningJob',
    arnResource: 'hyper-parameter-tuning-job',
    argumentsRequired: true,
    metadata: withArn('TuningJob'),
  },
  AutoML: { kind: 'job', jobKind: 'AutoMLJob', arnResource: 'automl-job', metadata: withArn('AutoMLJob') },
  Model: { kind: 'synchronous', arnResource: 'model', argumentsRequired: true, metadata: withArn('Model') },
  RegisterModel: { kind: 'synchronous', arnResource: 'model-package', argumentsRequired: true, metadata: withArn('RegisterModel') },
  QualityCheck: { kind: 'job', jobKind: 'ProcessingJob', arnResource: 'processing-job', metadata: checkMetadata('QualityCheck') },
  ClarifyCheck: { kind: 'job', jobKind: 'ProcessingJob', arnResource: 'processing-job', metadata: checkMetadata('ClarifyCheck') },
  EMR: {
    kind: 'job',
    metadata: (step) => ({
      EMR: {
        ClusterId: `j-${step.sequence.toString(36).toUpperCase().padStart(13, '0')}`,
        StepId: `s-${step.sequence}`,
        StepName: step.definition.name,
      },
    }),
  },
  Condition: { kind: 'instant', metadata: (step) => ({ Condition: { Outcome: step.conditionOutcome === false ? 'False' : 'True' } }) },
  Fail: {
    kind: 'instant',
    metadata: (step) => ({ Fail: { ErrorMessage: failStepMessage(step.definition.arguments) } }),
  },
  Lambda: {
    kind: 'lambda',
    metadata: (step) => ({ Lambda: { Arn: step.definition.functionArn ?? '', ...outputs(step) } }),
  },
  Callback: {
    kind: 'callback',
    metadata: (step) => ({
      Callback: { CallbackToken: step.callbackToken ?? '', SqsQueueUrl: step.definition.sqsQueueUrl ?? '', ...outputs(step) },
    }),
  },
};

function outputs(step: StepRun): JsonObject {
  if (!step.outputParameters) return {};
  return { OutputParameters: step.outputParameters.map((p) => ({ Name: p.Name, Value: p.Value })) };
}

export function failStepMessage(args: JsonObject): string {
  const message: JsonValue | undefined = args['ErrorMessage'];
  return typeof message === 'string' ? message : 'Fail step reached';
}

export const SUPPORTED_STEP_TYPES: readonly string[] = Object.keys(STEP_TYPES);

export function stepTypeInfo(type: string): StepTypeInfo | undefined {
  return STEP_TYPES[type];
}

export function stepKind(type: string): StepKind {
  return STEP_TYPES[type]?.kind ?? 'job';
}

export function stepMetadata(step: StepRun, execution: Execution): JsonObject {
  return STEP_TYPES[step.definition.type]?.metadata(step, execution) ?? {};
}

/** The ARN of the job a step "launched"; named the way Pipelines names its jobs. */
export function newJobArnFor(scope: AccountScope, execution: Execution, stepName: string, type: string): string | undefined {
  const resource = STEP_TYPES[type]?.arnResource;
  if (!resource) return undefined;
  const name = `pipelines-${execution.id}-${stepName}`.slice(0, 52).toLowerCase() + `-${newJobSuffix()}`;
  return jobArn(scope, resource, name);
}

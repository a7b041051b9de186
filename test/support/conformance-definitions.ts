/** Pipeline definition builders (2020-12-01 format, plus the simulator-only `Simulation` block). */

export interface Simulation {
  DurationSeconds?: number;
  Outcome?: 'Succeeded' | 'Failed';
  FailureReason?: string;
  TimeoutSeconds?: number;
  StopDurationSeconds?: number;
  JobOutlivesStepSeconds?: number;
  FailAttempts?: number;
  FailureException?: string;
}

export type StepJson = Record<string, unknown>;

export const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:simulated';

export function definition(
  steps: StepJson[],
  parameters: { Name: string; DefaultValue?: string | number | boolean; Type?: string }[] = [],
): string {
  return JSON.stringify({
    Version: '2020-12-01',
    Metadata: {},
    Parameters: parameters.map((p) => ({ Type: 'String', ...p })),
    Steps: steps,
  });
}

const withOptions = (step: StepJson, dependsOn?: string[], simulation?: Simulation): StepJson => ({
  ...step,
  ...(dependsOn ? { DependsOn: dependsOn } : {}),
  ...(simulation ? { Simulation: simulation } : {}),
});

export function callbackStep(
  name: string,
  queueUrl: string,
  options: { dependsOn?: string[]; args?: Record<string, unknown> } = {},
): StepJson {
  return withOptions(
    {
      Name: name,
      Type: 'Callback',
      Arguments: options.args ?? { job: name },
      SqsQueueUrl: queueUrl,
      OutputParameters: [{ OutputName: 'result', OutputType: 'String' }],
    },
    options.dependsOn,
  );
}

export function lambdaStep(name: string, simulation?: Simulation, dependsOn?: string[]): StepJson {
  return withOptions({ Name: name, Type: 'Lambda', Arguments: {}, FunctionArn: LAMBDA_ARN, OutputParameters: [] }, dependsOn, simulation);
}

/** Training, Processing, Transform, ... : steps that launch a SageMaker job. */
export function jobStep(name: string, type = 'Training', simulation?: Simulation, dependsOn?: string[]): StepJson {
  return withOptions({ Name: name, Type: type, Arguments: {} }, dependsOn, simulation);
}

/** The demo pipeline: a processing step, then a callback step and a Lambda step side by side. */
export interface DemoPipelineOptions {
  callbackQueueUrl: string;
  lambdaDurationSeconds: number;
  lambdaTimeoutSeconds: number;
}

export function demoPipelineDefinition(options: DemoPipelineOptions): string {
  return JSON.stringify({
    Version: '2020-12-01',
    Metadata: {},
    Parameters: [{ Name: 'ModelVersion', Type: 'String', DefaultValue: '2026.11' }],
    Steps: [
      {
        Name: 'Preprocess',
        Type: 'Processing',
        Arguments: { ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } } },
        Simulation: { DurationSeconds: 1 },
      },
      {
        Name: 'WaitForApproval',
        Type: 'Callback',
        DependsOn: ['Preprocess'],
        Arguments: { model_version: { Get: 'Parameters.ModelVersion' } },
        SqsQueueUrl: options.callbackQueueUrl,
        OutputParameters: [{ OutputName: 'approved', OutputType: 'String' }],
      },
      {
        Name: 'Evaluate',
        Type: 'Lambda',
        DependsOn: ['Preprocess'],
        FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:evaluate-model',
        Arguments: {},
        OutputParameters: [{ OutputName: 'score', OutputType: 'String' }],
        Simulation: { DurationSeconds: options.lambdaDurationSeconds, TimeoutSeconds: options.lambdaTimeoutSeconds },
      },
      {
        Name: 'Register',
        Type: 'RegisterModel',
        DependsOn: ['WaitForApproval', 'Evaluate'],
        Arguments: { ModelPackageGroupName: 'demo-models' },
      },
    ],
  });
}

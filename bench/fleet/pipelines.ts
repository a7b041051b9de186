/**
 * The fleet's pipelines: a mix of the step types a stop meets. Training and Processing steps stop
 * in `drainSeconds`; a Lambda step cannot be stopped (it runs to its end, at most 10 minutes, then
 * the run stops in its Training step); a Callback step nobody answers keeps its run Stopping until
 * the stop-all releases it.
 */
export const FLEET_PATTERN = 'fleet-*';
const RUNS_LONGER_THAN_ANY_BENCH_SECONDS = 86_400;
/** A Lambda step runs at most 10 minutes: this one ends well inside its timeout. */
const LAMBDA_SECONDS = 540;
const LAMBDA_TIMEOUT_SECONDS = 600;

const training = (name: string, drainSeconds: number) => ({
  Name: name,
  Type: 'Training',
  Arguments: { ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
  Simulation: { DurationSeconds: RUNS_LONGER_THAN_ANY_BENCH_SECONDS, StopDurationSeconds: drainSeconds },
});

export function fleetPipelines(drainSeconds: number, callbackQueueUrl: string): Record<string, string> {
  const definition = (steps: unknown[]): string => JSON.stringify({ Version: '2020-12-01', Metadata: {}, Parameters: [], Steps: steps });
  return {
    'fleet-training': definition([training('Train', drainSeconds)]),
    'fleet-processing': definition([
      {
        Name: 'Prepare',
        Type: 'Processing',
        Arguments: { ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } } },
        Simulation: { DurationSeconds: RUNS_LONGER_THAN_ANY_BENCH_SECONDS, StopDurationSeconds: drainSeconds },
      },
    ]),
    'fleet-lambda': definition([
      {
        Name: 'Score',
        Type: 'Lambda',
        FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:score',
        Arguments: {},
        OutputParameters: [],
        Simulation: { DurationSeconds: LAMBDA_SECONDS, TimeoutSeconds: LAMBDA_TIMEOUT_SECONDS },
      },
      { ...training('Train', drainSeconds), DependsOn: ['Score'] },
    ]),
    'fleet-callback': definition([
      { Name: 'Approve', Type: 'Callback', SqsQueueUrl: callbackQueueUrl, Arguments: {}, OutputParameters: [] },
    ]),
  };
}

/** Which pipeline the i-th run belongs to: every tenth a callback run (stopped by someone else before the stop-all), the rest in turn. */
export function pipelineOfRun(index: number): string {
  if (index % 10 === 9) return 'fleet-callback';
  return ['fleet-training', 'fleet-processing', 'fleet-lambda'][index % 3] as string;
}

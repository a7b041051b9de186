/**
 * A pipeline that drains for exactly `drainSeconds` after a stop: one
 * Training step that runs far longer than any run (so the stop always finds it
 * Executing) and takes `drainSeconds` to go Stopping → Stopped.
 */
export const DRAIN_STEP_NAME = 'TrainModel';
const RUNS_LONGER_THAN_ANY_BENCH_SECONDS = 86_400;

export function drainPipelineDefinition(drainSeconds: number): string {
  return JSON.stringify({
    Version: '2020-12-01',
    Metadata: {},
    Parameters: [],
    Steps: [
      {
        Name: DRAIN_STEP_NAME,
        Type: 'Training',
        Arguments: { ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
        Simulation: { DurationSeconds: RUNS_LONGER_THAN_ANY_BENCH_SECONDS, StopDurationSeconds: drainSeconds },
      },
    ],
  });
}

export const BENCH_ROLE_ARN = 'arn:aws:iam::123456789012:role/bench-pipeline-role';

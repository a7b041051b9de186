/** What each demo scenario sets up and how it must end. */
export interface DemoScenario {
  name: string;
  title: string;
  /** The reference consumer answers the Stopping message; false = a consumer that ignores it. */
  consumerAnswersStopping: boolean;
  lambdaDurationSeconds: number;
  lambdaTimeoutSeconds: number;
  input: { releaseCallbacksAfterSeconds?: number; maxWaitSeconds?: number; reason: string };
  /** Stop the run once before the graceful stop, so it finds it already Stopped. */
  stopFirst?: boolean;
  expect: { outcome?: string; error?: string };
}

export const DEMO_SCENARIOS: Record<string, DemoScenario> = {
  'callback-and-lambda': {
    name: 'callback-and-lambda',
    title: 'A callback step whose consumer answers "Stopping", and a Lambda step that must finish',
    consumerAnswersStopping: true,
    lambdaDurationSeconds: 6,
    lambdaTimeoutSeconds: 120,
    input: { reason: 'demo: release 2026.11 supersedes this run', maxWaitSeconds: 60 },
    expect: { outcome: 'Stopped' },
  },
  'silent-consumer': {
    name: 'silent-consumer',
    title: 'A callback consumer that ignores "Stopping": released after a 3 s grace',
    consumerAnswersStopping: false,
    lambdaDurationSeconds: 2,
    lambdaTimeoutSeconds: 120,
    input: { reason: 'demo: cost alarm', maxWaitSeconds: 60, releaseCallbacksAfterSeconds: 3 },
    expect: { outcome: 'Stopped' },
  },
  'lambda-timeout': {
    name: 'lambda-timeout',
    title: 'A Lambda step that outlives its 4 s step timeout: the run ends Failed',
    consumerAnswersStopping: true,
    lambdaDurationSeconds: 30,
    lambdaTimeoutSeconds: 4,
    input: { reason: 'demo: parent workflow cancelled', maxWaitSeconds: 60 },
    expect: { error: 'PipelineExecutionFailed' },
  },
  'already-stopped': {
    name: 'already-stopped',
    title: 'The run was already stopped by someone else',
    consumerAnswersStopping: true,
    lambdaDurationSeconds: 1,
    lambdaTimeoutSeconds: 120,
    input: { reason: 'demo: second stop', maxWaitSeconds: 60 },
    stopFirst: true,
    expect: { outcome: 'AlreadyStopped' },
  },
};

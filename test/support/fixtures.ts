/** Shared builders for the unit tests: a virtual clock, SDK errors, states and steps. */
import { SageMakerServiceException, type PipelineExecutionStep } from '@aws-sdk/client-sagemaker';
import type { Clock } from '#commons/clock.js';
import type { CheckRecord, CheckedState, OutputDocument, StepView, StopRecord, StopRequest, StoppedState } from '#graceful-stop/model.js';

export const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/demo-pipeline/execution/abc123def456';
export const EXECUTION_ID = 'arn:aws:states:us-east-1:123456789012:execution:GracefulStop:run-1';
export const T0 = '2025-03-01T12:00:00.000Z';
export const NOT_EXECUTING_MESSAGE = "Only pipelines with 'Executing' status can be stopped";

/** A Clock whose sleep advances virtual time instantly and records every sleep. */
export class FakeClock implements Clock {
  private ms: number;
  readonly sleeps: number[] = [];

  constructor(startIso: string = T0) {
    this.ms = Date.parse(startIso);
  }

  now(): number {
    return this.ms;
  }

  secondsSince(iso: string): number {
    return (this.ms - Date.parse(iso)) / 1000;
  }

  sleep(seconds: number): Promise<void> {
    this.sleeps.push(seconds);
    this.ms += seconds * 1000;
    return Promise.resolve();
  }

  /** Moves virtual time forward without recording a sleep. */
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }

  get sleptSeconds(): number {
    return this.sleeps.reduce((sum, seconds) => sum + seconds, 0);
  }
}

/** A clock already `seconds` past T0 (the usual stop request time). */
export function clockAt(seconds: number): FakeClock {
  const clock = new FakeClock(T0);
  clock.advance(seconds);
  return clock;
}

/** An AWS SDK service error with the given name, as the SDK raises it for an unmodelled `__type`. */
export function sdkError(name: string, message = `${name} from the mock`): SageMakerServiceException {
  return new SageMakerServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

export function request(overrides: Partial<StopRequest> = {}): StopRequest {
  return {
    pipelineExecutionArn: ARN,
    pipelineName: 'demo-pipeline',
    maxWaitSeconds: 900,
    failIfNotRunning: false,
    ...overrides,
  };
}

export function stopRecord(overrides: Partial<StopRecord> = {}): StopRecord {
  return {
    requestedAt: T0,
    deadlineAt: new Date(Date.parse(T0) + 900_000).toISOString(),
    accepted: true,
    ...overrides,
  };
}

export function stoppedState(
  overrides: { request?: Partial<StopRequest>; stop?: Partial<StopRecord> } & Partial<Omit<StoppedState, 'request' | 'stop'>> = {},
): StoppedState {
  const { request: requestOverrides, stop: stopOverrides, ...rest } = overrides;
  return {
    raw: { pipelineExecutionArn: ARN },
    executionId: EXECUTION_ID,
    released: [],
    ...rest,
    request: request(requestOverrides),
    stop: stopRecord(stopOverrides),
  };
}

export function checkRecord(overrides: Partial<CheckRecord> = {}): CheckRecord {
  return {
    checkedAt: T0,
    status: 'Stopped',
    steps: [],
    stepsOmitted: 0,
    draining: [],
    nextWaitSeconds: 1,
    deadlinePassed: false,
    releaseDue: false,
    polls: 3,
    waitedSeconds: 42,
    ...overrides,
  };
}

export function checkedState(
  overrides: { request?: Partial<StopRequest>; stop?: Partial<StopRecord>; check?: Partial<CheckRecord> } & Partial<
    Omit<CheckedState, 'request' | 'stop' | 'check'>
  > = {},
): CheckedState {
  const { check: checkOverrides, ...rest } = overrides;
  return { ...stoppedState(rest), check: checkRecord(checkOverrides) };
}

export function callbackStep(
  name: string,
  token: string,
  status = 'Executing',
  extra: Partial<PipelineExecutionStep> = {},
): PipelineExecutionStep {
  return {
    StepName: name,
    StepStatus: status as PipelineExecutionStep['StepStatus'],
    StartTime: new Date(T0),
    Metadata: { Callback: { CallbackToken: token, SqsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q' } },
    ...extra,
  };
}

export function lambdaStep(name: string, status = 'Executing', extra: Partial<PipelineExecutionStep> = {}): PipelineExecutionStep {
  return {
    StepName: name,
    StepStatus: status as PipelineExecutionStep['StepStatus'],
    StartTime: new Date(T0),
    Metadata: { Lambda: { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:work' } },
    ...extra,
  };
}

export function trainingStep(name: string, status = 'Executing'): PipelineExecutionStep {
  return {
    StepName: name,
    StepStatus: status as PipelineExecutionStep['StepStatus'],
    StartTime: new Date(T0),
    Metadata: { TrainingJob: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/t' } },
  };
}

export function stepView(overrides: Partial<StepView> = {}): StepView {
  return { name: 'Step', type: 'Lambda', status: 'Executing', startedAt: T0, ...overrides };
}

export function outputDocument(overrides: Partial<OutputDocument> = {}): OutputDocument {
  return {
    pipelineExecutionArn: ARN,
    pipelineName: 'demo-pipeline',
    outcome: 'Stopped',
    finalStatus: 'Stopped',
    stopRequestedAt: T0,
    finishedAt: '2025-03-01T12:01:00.000Z',
    waitedSeconds: 60,
    polls: 5,
    steps: [],
    releasedCallbackSteps: [],
    ...overrides,
  };
}

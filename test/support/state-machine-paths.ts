/**
 * Shared helpers of the state-machine tests: the path an execution took,
 * SageMaker errors as the SDK raises them, pipeline steps as
 * ListPipelineExecutionSteps returns them, and the Fail state that ended a run.
 * Nothing here imports functions/: a test file may set handler environment
 * variables before it loads the handlers.
 */
import { readFileSync } from 'node:fs';
import { ConflictException, ResourceNotFound, SageMakerServiceException, type PipelineExecutionStep } from '@aws-sdk/client-sagemaker';
import { expect } from 'vitest';
import { gracefulStopDefinitionPath } from '#local/engine/paths.js';
import type { RunOptions, RunResult } from '#local/engine/runner.js';
import { S, lastInputOf, pathOf } from './run-path.js';

export const PIPELINE_NAME = 'churn-model';
export const EXECUTION_ARN = `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${PIPELINE_NAME}/execution/k3x9p2m4q7ab`;

/**
 * Waits and retries take no real time: 1 simulated second is 1 ms, retry intervals are 0. A Task's
 * own time limit stays at least 5 s of real time: these suites are not about task timeouts, and a
 * busy machine can spend 90 ms (the Stop task's 90 s at this scale) on one invocation.
 */
export const FAST: RunOptions = { timeScale: 1000, retryIntervalMs: 0, minTaskTimeoutMs: 5_000 };

/** The start of every run that gets past the input. */
export const START = [S.capture, S.stop];
/** One round of the drain loop that ends in a wait. */
export const WAIT_ROUND = [S.check, S.drained, S.wait];
/** The end of every run: report, announce, route to the terminal state. */
export const finish = (terminal: string): string[] => [S.report, S.publish, S.endedWell, terminal];
/** The end of a run whose drain ended (not a deadline, not an error): its leftovers checked, then the end. */
export const afterEnd = (terminal: string): string[] => [S.leftovers, ...finish(terminal)];
/** `count` rounds of the drain loop that wait. */
export const waitRounds = (count: number): string[] => Array.from({ length: count }, () => WAIT_ROUND).flat();

type FailStateDefinition = { Type: string; Error?: string; ErrorPath?: string; CausePath?: string };
const definition = JSON.parse(readFileSync(gracefulStopDefinitionPath, 'utf8')) as {
  States: Record<string, FailStateDefinition>;
};

/**
 * Asserts that the run ended in the Fail state `name`, that RunResult.error
 * and RunResult.cause are that state's Error and Cause, and that the Cause is
 * one readable sentence followed by facts (not JSON).
 */
export function expectEndedInFailState(result: RunResult, name: string, error: string, options: { fullStop?: boolean } = {}): void {
  const state = definition.States[name];
  expect(state?.Type).toBe('Fail');
  expect(pathOf(result).at(-1)).toBe(name);
  expect(result.status).toBe('FAILED');
  expect(result.error).toBe(error);
  if (state?.Error !== undefined) expect(state.Error).toBe(error);
  const input = lastInputOf(result, name) as { result?: { error?: string; cause?: string } };
  expect(input.result?.error).toBe(error);
  expect(result.cause).toBe(input.result?.cause);
  expectReadableCause(result.cause, options);
}

/**
 * One sentence (a word, which may be a field name, ... full stop), then the bracketed facts; never
 * a JSON document. `fullStop: false` for a cause passed through from AWS,
 * whose message may end without one.
 */
export function expectReadableCause(cause: string | undefined, { fullStop = true }: { fullStop?: boolean } = {}): void {
  const sentence = fullStop ? '[A-Za-z][^\\n]*[.…]' : '[A-Za-z][^\\n]*';
  const facts = '\\[pipelineExecutionArn=[^\\]]*, finalStatus=\\w+, waitedSeconds=[\\d.]+, polls=\\d+(, leftovers=[^\\]]*)?\\]';
  expect(cause).toMatch(new RegExp(`^${sentence} ${facts}$`));
  expect(() => JSON.parse(cause ?? '')).toThrow();
}

/** Asserts a successful run and returns its output document. */
export function expectSucceeded(result: RunResult): Record<string, unknown> {
  expect({ error: result.error, cause: result.cause }).toEqual({ error: undefined, cause: undefined });
  expect(result.status).toBe('SUCCEEDED');
  expect(pathOf(result).at(-1)).toBe(S.succeeded);
  return result.output as Record<string, unknown>;
}

/** An error shaped as the SDK raises it for a service error without a modeled class. */
export function sageMakerError(name: string, message: string): SageMakerServiceException {
  return new SageMakerServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

export const notExecuting = (status = 'Stopped'): SageMakerServiceException =>
  sageMakerError('ValidationException', `Only pipelines with 'Executing' status can be stopped. Current status: ${status}`);
export const conflict = (): ConflictException =>
  new ConflictException({ message: 'The pipeline execution is being updated; try again.', $metadata: { httpStatusCode: 400 } });
export const notFound = (): ResourceNotFound =>
  new ResourceNotFound({ message: `Pipeline execution ${EXECUTION_ARN} does not exist.`, $metadata: { httpStatusCode: 400 } });
export const throttled = (): SageMakerServiceException => sageMakerError('ThrottlingException', 'Rate exceeded');

const STARTED = new Date('2025-01-01T10:00:00Z');

/** A Lambda step as ListPipelineExecutionSteps returns it. */
export function lambdaStep(name: string, status: string, failureReason?: string): PipelineExecutionStep {
  return {
    StepName: name,
    StepStatus: status as PipelineExecutionStep['StepStatus'],
    StartTime: STARTED,
    ...(failureReason ? { FailureReason: failureReason, EndTime: new Date(STARTED.getTime() + 120_000) } : {}),
    Metadata: { Lambda: { Arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}` } },
  };
}

/** A callback step as ListPipelineExecutionSteps returns it, with its full token (if it has one yet). */
export function callbackStep(name: string, status: string, token: string | undefined): PipelineExecutionStep {
  return {
    StepName: name,
    StepStatus: status as PipelineExecutionStep['StepStatus'],
    StartTime: STARTED,
    Metadata: {
      Callback: {
        ...(token === undefined ? {} : { CallbackToken: token }),
        SqsQueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`,
        OutputParameters: [],
      },
    },
  };
}

/** A training step as ListPipelineExecutionSteps returns it. */
export function trainingStep(name: string, status: string): PipelineExecutionStep {
  return {
    StepName: name,
    StepStatus: status as PipelineExecutionStep['StepStatus'],
    StartTime: STARTED,
    Metadata: { TrainingJob: { Arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name.toLowerCase()}` } },
  };
}

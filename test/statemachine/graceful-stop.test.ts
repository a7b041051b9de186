/**
 * The real graceful-stop ASL on the embedded engine, with the real handlers
 * in-process and SageMaker mocked. Every test asserts on the path taken
 * (states entered, retries, catches), not only on the output.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { mockedGracefulStop } from '#test/support/source-handlers.js';
import {
  EXECUTION_ARN,
  FAST,
  PIPELINE_NAME,
  START,
  conflict,
  expectEndedInFailState,
  expectSucceeded,
  afterEnd,
  finish,
  lambdaStep,
  notExecuting,
  notFound,
  sageMakerError,
  throttled,
  trainingStep,
  waitRounds,
} from '#test/support/state-machine-paths.js';
import { S, caught, lastInputOf, pathOf, retried } from '#test/support/run-path.js';

const { sagemaker, eventBridge, machine } = mockedGracefulStop();

const noSteps = { PipelineExecutionSteps: [] };

describe('graceful-stop state machine: stopping a running execution', () => {
  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
  });

  it('requests the stop, waits while the execution is Executing then Stopping, and ends Stopped', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker
      .on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Executing' })
      .resolvesOnce({ PipelineExecutionStatus: 'Stopping' })
      .resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker
      .on(ListPipelineExecutionStepsCommand)
      .resolvesOnce({ PipelineExecutionSteps: [lambdaStep('Preprocess', 'Executing')] })
      .resolvesOnce({ PipelineExecutionSteps: [lambdaStep('Preprocess', 'Executing')] })
      .resolves({ PipelineExecutionSteps: [lambdaStep('Preprocess', 'Succeeded'), trainingStep('Train', 'Stopped')] });

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN, reason: 'Cost cap reached' }, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(pathOf(result)).toEqual([...START, ...waitRounds(2), S.check, S.drained, ...afterEnd(S.succeeded)]);
    expect(result.stateTransitions).toBe(pathOf(result).length);
    expect(output).toMatchObject({
      pipelineExecutionArn: EXECUTION_ARN,
      pipelineName: PIPELINE_NAME,
      outcome: 'Stopped',
      finalStatus: 'Stopped',
      polls: 3,
      reason: 'Cost cap reached',
      releasedCallbackSteps: [],
      steps: [
        { name: 'Preprocess', type: 'Lambda', status: 'Succeeded' },
        { name: 'Train', type: 'TrainingJob', status: 'Stopped' },
      ],
    });
    const { stopRequestedAt, finishedAt, waitedSeconds } = output as { stopRequestedAt: string; finishedAt: string; waitedSeconds: number };
    expect(Date.parse(stopRequestedAt)).toBeGreaterThanOrEqual(result.startedAt);
    expect(Date.parse(finishedAt)).toBeGreaterThanOrEqual(Date.parse(stopRequestedAt));
    expect(Date.parse(finishedAt)).toBeLessThanOrEqual(result.stoppedAt);
    expect(waitedSeconds).toBeGreaterThanOrEqual(0);
    expect(sagemaker.commandCalls(StopPipelineExecutionCommand)).toHaveLength(1);
    expect(sagemaker.commandCalls(DescribePipelineExecutionCommand)).toHaveLength(3);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('fails with PipelineExecutionFailed naming the failed Lambda step and its reason when the execution ends Failed', async () => {
    // Prepare
    const reason = 'Lambda function timed out after 120 seconds';
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker
      .on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Stopping' })
      .resolves({ PipelineExecutionStatus: 'Failed', FailureReason: 'Step failure: One or multiple steps failed.' });
    sagemaker
      .on(ListPipelineExecutionStepsCommand)
      .resolvesOnce({ PipelineExecutionSteps: [lambdaStep('ScoreBatch', 'Executing')] })
      .resolves({ PipelineExecutionSteps: [lambdaStep('ScoreBatch', 'Failed', reason)] });

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    expect(pathOf(result)).toEqual([...START, ...waitRounds(1), S.check, S.drained, ...afterEnd(S.failed)]);
    expectEndedInFailState(result, S.failed, 'PipelineExecutionFailed');
    expect(result.cause).toContain(`Lambda step 'ScoreBatch' failed (${reason})`);
    expect(result.cause).toMatch(/^The pipeline execution ended Failed instead of Stopped/);
    expect(result.cause).toContain('finalStatus=Failed');
  });

  it('ends CompletedBeforeStop when the accepted stop is overtaken by the execution succeeding', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker
      .on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Executing' })
      .resolves({ PipelineExecutionStatus: 'Succeeded' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves(noSteps);

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(pathOf(result)).toEqual([...START, ...waitRounds(1), S.check, S.drained, ...afterEnd(S.succeeded)]);
    expect(output).toMatchObject({ outcome: 'CompletedBeforeStop', finalStatus: 'Succeeded', polls: 2 });
  });

  it('accepts an EventBridge envelope and stops the execution named in its detail', async () => {
    // Prepare
    const envelope = {
      version: '0',
      id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      'detail-type': 'Graceful Stop Requested',
      source: 'ml-platform.scheduler',
      account: '123456789012',
      time: '2025-01-01T10:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { pipelineExecutionArn: EXECUTION_ARN, reason: 'Nightly window closed' },
    };
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves(noSteps);

    // Act
    const result = await machine.run(envelope, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(pathOf(result)).toEqual([...START, S.check, S.drained, ...afterEnd(S.succeeded)]);
    expect(sagemaker.commandCalls(StopPipelineExecutionCommand)[0]?.args[0].input.PipelineExecutionArn).toBe(EXECUTION_ARN);
    expect(output).toMatchObject({ pipelineExecutionArn: EXECUTION_ARN, outcome: 'Stopped', reason: 'Nightly window closed' });
  });

  it('reads every page of the steps, following NextToken', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker
      .on(ListPipelineExecutionStepsCommand)
      .resolves({ PipelineExecutionSteps: [lambdaStep('Preprocess', 'Succeeded'), trainingStep('Train', 'Stopped')], NextToken: 'page-2' })
      .on(ListPipelineExecutionStepsCommand, { NextToken: 'page-2' })
      .resolves({ PipelineExecutionSteps: [lambdaStep('ScoreBatch', 'Stopped')], NextToken: 'page-3' })
      .on(ListPipelineExecutionStepsCommand, { NextToken: 'page-3' })
      .resolves({ PipelineExecutionSteps: [lambdaStep('Publish', 'Stopped')] });

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    const output = expectSucceeded(result) as { steps: { name: string }[] };
    expect(pathOf(result)).toEqual([...START, S.check, S.drained, ...afterEnd(S.succeeded)]);
    expect(output.steps.map((step) => step.name)).toEqual(['Preprocess', 'Train', 'ScoreBatch', 'Publish']);
    const pages = sagemaker.commandCalls(ListPipelineExecutionStepsCommand).map((call) => call.args[0].input.NextToken);
    // Check Pipeline Execution reads them, then Stop Leftover Jobs once more for the jobs behind them.
    expect(pages).toEqual([undefined, 'page-2', 'page-3', undefined, 'page-2', 'page-3']);
  });
});

describe('graceful-stop state machine: an execution that is no longer running', () => {
  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
  });

  it.each([
    { status: 'Stopped', outcome: 'AlreadyStopped', failureReason: undefined },
    { status: 'Failed', outcome: 'AlreadyFailed', failureReason: "Step failure: Step 'Train' failed." },
    { status: 'Succeeded', outcome: 'CompletedBeforeStop', failureReason: undefined },
  ])(
    'ends $outcome when SageMaker refuses the stop because the execution is already $status',
    async ({ status, outcome, failureReason }) => {
      // Prepare
      sagemaker.on(StopPipelineExecutionCommand).rejects(notExecuting(status));
      sagemaker
        .on(DescribePipelineExecutionCommand)
        .resolves({ PipelineExecutionStatus: status as 'Stopped', ...(failureReason ? { FailureReason: failureReason } : {}) });
      sagemaker.on(ListPipelineExecutionStepsCommand).resolves(noSteps);

      // Act
      const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

      // Assess
      const output = expectSucceeded(result);
      expect(pathOf(result)).toEqual([...START, S.check, S.drained, ...afterEnd(S.succeeded)]);
      expect(output).toMatchObject({ outcome, finalStatus: status, polls: 1 });
      expect(output.failureReason).toBe(failureReason);
      expect(sagemaker.commandCalls(StopPipelineExecutionCommand)).toHaveLength(1);
    },
  );

  it('fails with PipelineExecutionNotRunning when failIfNotRunning is set and the execution is already Stopped', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).rejects(notExecuting('Stopped'));
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves(noSteps);

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN, failIfNotRunning: true }, FAST);

    // Assess
    expect(pathOf(result)).toEqual([...START, S.check, S.drained, ...afterEnd(S.notRunning)]);
    expectEndedInFailState(result, S.notRunning, 'PipelineExecutionNotRunning');
    expect(result.cause).toMatch(/^The pipeline execution was already Stopped when the stop was requested, and failIfNotRunning is true\./);
  });

  it('drains with a run that another stop already has Stopping, even with failIfNotRunning, and reports how it ended', async () => {
    // Prepare: the run is Stopping under someone else's stop request, then ends Stopped.
    sagemaker.on(StopPipelineExecutionCommand).rejects(notExecuting('Stopping'));
    sagemaker
      .on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Stopping' })
      .resolvesOnce({ PipelineExecutionStatus: 'Stopping' })
      .resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves(noSteps);

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN, failIfNotRunning: true }, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped' });
    expect(pathOf(result)).toContain(S.wait);
  });
});

describe('graceful-stop state machine: transient SageMaker errors', () => {
  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
  });

  it('retries a ConflictException twice and sends the same ClientRequestToken on all three attempts', async () => {
    // Prepare
    sagemaker
      .on(StopPipelineExecutionCommand)
      .rejectsOnce(conflict())
      .rejectsOnce(conflict())
      .resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves(noSteps);

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(pathOf(result)).toEqual([...START, retried(S.stop), retried(S.stop), S.check, S.drained, ...afterEnd(S.succeeded)]);
    const retries = result.events.filter((event) => event.type === 'StateRetried');
    expect(retries.map((event) => event.retry?.attempt)).toEqual([1, 2]);
    const tokens = sagemaker.commandCalls(StopPipelineExecutionCommand).map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toMatch(/^[A-Za-z0-9-]{32,128}$/);
    expect(output).toMatchObject({ outcome: 'Stopped' });
  });

  it('derives a different ClientRequestToken for a different Step Functions execution', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves(noSteps);

    // Act
    const first = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, { ...FAST, executionName: 'stop-1' });
    const second = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, { ...FAST, executionName: 'stop-2' });

    // Assess
    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const tokens = sagemaker.commandCalls(StopPipelineExecutionCommand).map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
  });

  it('retries a throttled DescribePipelineExecution and carries on', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker.on(DescribePipelineExecutionCommand).rejectsOnce(throttled()).resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves(noSteps);

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(pathOf(result)).toEqual([...START, S.check, retried(S.check), S.drained, ...afterEnd(S.succeeded)]);
    expect(sagemaker.commandCalls(DescribePipelineExecutionCommand)).toHaveLength(2);
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped' });
  });
});

describe('graceful-stop state machine: an execution SageMaker does not know', () => {
  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
  });

  it('fails with PipelineExecutionNotFound when the stop gets ResourceNotFound', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).rejects(notFound());

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    expect(pathOf(result)).toEqual([...START, caught(S.stop), ...finish(S.notFound)]);
    expectEndedInFailState(result, S.notFound, 'PipelineExecutionNotFound');
    expect(result.cause).toMatch(/^SageMaker has no pipeline execution arn:aws:sagemaker:\S+; check the ARN, its region and account\./);
    expect(result.cause).toContain(`pipelineExecutionArn=${EXECUTION_ARN}`);
    const { failure } = lastInputOf(result, S.report) as { failure: { Error: string; Cause: string } };
    expect(failure.Error).toBe('PipelineExecutionNotFound');
    expect(JSON.parse(failure.Cause)).toMatchObject({
      errorType: 'PipelineExecutionNotFound',
      errorMessage: expect.stringMatching(/^SageMaker has no/),
    });
    expect(sagemaker.commandCalls(DescribePipelineExecutionCommand)).toHaveLength(0);
  });

  it('fails with PipelineExecutionNotStopping at once when drainOnly is given for a run nobody is stopping', async () => {
    // Prepare
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Executing' });

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN, drainOnly: true }, FAST);

    // Assess
    expect(pathOf(result)).toEqual([...START, caught(S.stop), ...finish(S.notStopping)]);
    expectEndedInFailState(result, S.notStopping, 'PipelineExecutionNotStopping');
    expect(result.cause).toMatch(
      /is Executing: nobody is stopping it, so drainOnly has nothing to drain; start the graceful stop without drainOnly to stop it\./,
    );
    expect(sagemaker.commandCalls(StopPipelineExecutionCommand)).toHaveLength(0);
    expect(sagemaker.commandCalls(DescribePipelineExecutionCommand)).toHaveLength(1);
  });

  it('fails with PipelineExecutionNotFound when the execution disappears while draining', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker.on(DescribePipelineExecutionCommand).resolvesOnce({ PipelineExecutionStatus: 'Stopping' }).rejects(notFound());
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves(noSteps);

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    expect(pathOf(result)).toEqual([...START, ...waitRounds(1), S.check, caught(S.check), ...finish(S.notFound)]);
    expectEndedInFailState(result, S.notFound, 'PipelineExecutionNotFound');
    expect(result.cause).toMatch(/^SageMaker no longer knows pipeline execution \S+ \(was the pipeline deleted\?\), after \d+ poll\(s\)\./);
  });
});

describe('graceful-stop state machine: invalid input', () => {
  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
  });

  it.each([
    { name: 'an object without pipelineExecutionArn', input: { reason: 'no ARN' }, says: /has no pipelineExecutionArn/ },
    { name: 'the string "abc"', input: 'abc', says: /^The input is "abc"; expected a JSON object/ },
    { name: 'an array', input: [{ pipelineExecutionArn: EXECUTION_ARN }], says: /^The input is an array;/ },
    { name: 'a number', input: 42, says: /^The input is number 42;/ },
    { name: 'a numeric ARN', input: { pipelineExecutionArn: 7 }, says: /pipelineExecutionArn is number 7;/ },
    {
      name: 'a pipeline ARN without an execution',
      input: { pipelineExecutionArn: `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${PIPELINE_NAME}` },
      says: /pipeline ARN without an execution/,
    },
    {
      name: 'a zero maxWaitSeconds',
      input: { pipelineExecutionArn: EXECUTION_ARN, maxWaitSeconds: 0 },
      says: /maxWaitSeconds is number 0;/,
    },
    { name: 'an unknown field', input: { pipelineExecutionArn: EXECUTION_ARN, force: true }, says: /unknown field\(s\) "force"/ },
    {
      name: 'an EventBridge envelope whose detail has no ARN',
      input: { 'detail-type': 'Graceful Stop Requested', source: 'ml-platform', detail: {} },
      says: /has no pipelineExecutionArn/,
    },
  ])('fails with InvalidInput and calls no SageMaker API for $name', async ({ input, says }) => {
    // Prepare
    sagemaker.onAnyCommand().resolves({});

    // Act
    const result = await machine.run(input, FAST);

    // Assess
    expect(pathOf(result)).toEqual([...START, caught(S.stop), ...finish(S.invalidInput)]);
    expectEndedInFailState(result, S.invalidInput, 'InvalidInput');
    expect(result.cause).toMatch(says);
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

describe('graceful-stop state machine: unexpected errors', () => {
  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
  });

  it('ends in Graceful Stop Errored with the error name when SageMaker denies access', async () => {
    // Prepare
    const message =
      'User: arn:aws:sts::123456789012:assumed-role/graceful-stop is not authorized to perform: sagemaker:StopPipelineExecution';
    sagemaker.on(StopPipelineExecutionCommand).rejects(sageMakerError('AccessDeniedException', message));

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    expect(pathOf(result)).toEqual([...START, caught(S.stop), ...finish(S.errored)]);
    expectEndedInFailState(result, S.errored, 'AccessDeniedException', { fullStop: false });
    expect(result.cause).toMatch(/^User: arn:aws:sts::123456789012:assumed-role\/graceful-stop is not authorized/);
    expect(sagemaker.commandCalls(StopPipelineExecutionCommand)).toHaveLength(1);
  });
});

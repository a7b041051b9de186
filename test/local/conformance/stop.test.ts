import { CreatePipelineCommand, StartPipelineExecutionCommand, StopPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { describe, expect, it, onTestFinished } from 'vitest';
import { definition, jobStep, lambdaStep, type StepJson } from '#test/support/conformance-definitions.js';
import { ROLE_ARN, startHarness, useHarness, uniqueName, type Harness } from '#test/support/conformance-harness.js';
import { executionStatus, listAllSteps, stepNamed, waitForExecutionStatus, waitForStepStatus } from '#test/support/sagemaker-waits.js';

// At time scale 100 one simulated second is 10 ms. Steps whose intermediate
// state is asserted last 100 simulated seconds or more (1 s real), so a slow
// machine does not close the window before the assertion runs.
const harness = useHarness({ timeScale: 100 });

const token = (suffix: string): string => `stop-${suffix}`.padEnd(40, '0');

async function startRun(steps: StepJson[], on: Harness = harness): Promise<string> {
  const name = uniqueName('stop');
  await on.sagemaker.send(new CreatePipelineCommand({ PipelineName: name, RoleArn: ROLE_ARN, PipelineDefinition: definition(steps) }));
  const { PipelineExecutionArn } = await on.sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: name }));
  return PipelineExecutionArn ?? '';
}

const stop = (arn: string, clientRequestToken = token('a')) =>
  harness.sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: clientRequestToken }));

describe('stopping a Lambda step', () => {
  it('lets the function finish, then ends the execution Stopped', async () => {
    // Prepare
    const arn = await startRun([lambdaStep('Export', { DurationSeconds: 100 })]);

    // Act
    await stop(arn);
    const whileDraining = await stepNamed(harness.sagemaker, arn, 'Export');
    const stoppingStatus = await executionStatus(harness.sagemaker, arn);
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');

    // Assess
    expect(stoppingStatus).toBe('Stopping');
    expect(whileDraining?.StepStatus).toBe('Executing');
    expect((await stepNamed(harness.sagemaker, arn, 'Export'))?.StepStatus).toBe('Succeeded');
  });

  it('still ends Stopped when the function itself fails during the stop', async () => {
    // Prepare
    const arn = await startRun([lambdaStep('Export', { DurationSeconds: 20, Outcome: 'Failed', FailureReason: 'boom' })]);

    // Act
    await stop(arn);
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');

    // Assess
    expect(await stepNamed(harness.sagemaker, arn, 'Export')).toMatchObject({ StepStatus: 'Failed', FailureReason: 'boom' });
  });

  it('fails the step and the execution when the step times out during the stop', async () => {
    // Prepare
    const arn = await startRun([lambdaStep('Export', { DurationSeconds: 500, TimeoutSeconds: 30 })]);

    // Act
    await stop(arn);
    const described = await waitForExecutionStatus(harness.sagemaker, arn, 'Failed');

    // Assess
    expect(await stepNamed(harness.sagemaker, arn, 'Export')).toMatchObject({
      StepStatus: 'Failed',
      FailureReason: 'Lambda step timed out after 30 seconds',
    });
    expect(described.FailureReason).toBe('Step failure: One or multiple steps failed.');
  });

  it('times out after the default 120 s when the step sets no timeout', async () => {
    // Prepare
    const fast = await startHarness({ timeScale: 10_000 });
    onTestFinished(() => fast.close());
    const arn = await startRun([lambdaStep('Export', { DurationSeconds: 300 })], fast);

    // Act
    const described = await waitForExecutionStatus(fast.sagemaker, arn, 'Failed', 3_000);
    const { steps } = await listAllSteps(fast.sagemaker, arn);

    // Assess: SageMaker's sentence for the run, the timeout in the step's own reason
    expect(described.FailureReason).toBe('Step failure: One or multiple steps failed.');
    expect(steps[0]?.FailureReason).toContain('timed out after 120 seconds');
  });
});

describe('stopping job steps', () => {
  it('moves a Training step through Stopping to Stopped and starts nothing after the stop', async () => {
    // Prepare
    const arn = await startRun([
      jobStep('Train', 'Training', { DurationSeconds: 1_000, StopDurationSeconds: 100 }),
      jobStep('Evaluate', 'Processing', {}, ['Train']),
    ]);
    await waitForStepStatus(harness.sagemaker, arn, 'Train', 'Executing');

    // Act
    await stop(arn);
    const stopping = await stepNamed(harness.sagemaker, arn, 'Train');
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');
    const { steps } = await listAllSteps(harness.sagemaker, arn);

    // Assess
    expect(stopping?.StepStatus).toBe('Stopping');
    expect(steps.map((s) => [s.StepName, s.StepStatus])).toEqual([['Train', 'Stopped']]);
  });
});

describe('a stop that lands between two steps', () => {
  it('answers ConflictException while a step has ended and the next has not started, and takes nothing from the request', async () => {
    // Prepare: real time and a 600 s transition, so the run is certainly still between its steps when the stop lands
    const slow = await startHarness({ timeScale: 1, stepTransitionSeconds: 600 });
    onTestFinished(() => slow.close());
    const arn = await startRun(
      [jobStep('First', 'Processing', { DurationSeconds: 0 }), jobStep('Second', 'Training', { DurationSeconds: 1_000 }, ['First'])],
      slow,
    );
    await waitForStepStatus(slow.sagemaker, arn, 'First', 'Succeeded');

    // Act
    const first = slow.sagemakerNoRetry.send(
      new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token('between') }),
    );
    await expect(first).rejects.toMatchObject({
      name: 'ConflictException',
      message: expect.stringContaining('is starting its next step; retry'),
    });
    const again = slow.sagemakerNoRetry.send(
      new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token('between') }),
    );

    // Assess: the same token is refused again (no stop happened), the run goes on, nothing else started
    await expect(again).rejects.toMatchObject({ name: 'ConflictException' });
    expect(await executionStatus(slow.sagemaker, arn)).toBe('Executing');
    const { steps } = await listAllSteps(slow.sagemaker, arn);
    expect(steps.map((step) => [step.StepName, step.StepStatus])).toEqual([['First', 'Succeeded']]);
  });

  it('takes the stop once the next step has started (the transition lasts 1 simulated second by default)', async () => {
    // Prepare
    const arn = await startRun([
      jobStep('First', 'Processing', { DurationSeconds: 0 }),
      jobStep('Second', 'Training', { DurationSeconds: 100_000 }, ['First']),
    ]);
    await waitForStepStatus(harness.sagemaker, arn, 'Second', 'Executing');

    // Act
    await stop(arn);
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');

    // Assess
    const { steps } = await listAllSteps(harness.sagemaker, arn);
    expect(steps.map((step) => [step.StepName, step.StepStatus])).toEqual([
      ['Second', 'Stopped'],
      ['First', 'Succeeded'],
    ]);
  });

  it('takes a stop while another step still runs, and never starts the steps the transition was to start', async () => {
    // Prepare
    const slow = await startHarness({ timeScale: 1, stepTransitionSeconds: 600 });
    onTestFinished(() => slow.close());
    const arn = await startRun(
      [
        jobStep('Prepare', 'Processing', { DurationSeconds: 0 }),
        jobStep('Train', 'Training', { DurationSeconds: 100_000, StopDurationSeconds: 0 }),
        jobStep('Evaluate', 'Processing', { DurationSeconds: 10 }, ['Prepare']),
      ],
      slow,
    );
    await waitForStepStatus(slow.sagemaker, arn, 'Prepare', 'Succeeded');

    // Act
    await slow.sagemakerNoRetry.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token('beside') }));
    await waitForExecutionStatus(slow.sagemaker, arn, 'Stopped');

    // Assess
    const { steps } = await listAllSteps(slow.sagemaker, arn);
    expect(Object.fromEntries(steps.map((step) => [step.StepName, step.StepStatus]))).toEqual({ Prepare: 'Succeeded', Train: 'Stopped' });
  });

  it('refuses a transition that is not a number of seconds from 0 to 600', async () => {
    // Act
    const negative = startHarness({ stepTransitionSeconds: -1 });

    // Assess
    await expect(negative).rejects.toThrow(/stepTransitionSeconds must be a number of seconds in 0\.\.600, got -1/);
  });
});

describe('StopPipelineExecution preconditions', () => {
  it("refuses to stop an execution that is not Executing with the 'Executing' status message", async () => {
    // Prepare
    const arn = await startRun([jobStep('Quick', 'Processing', { DurationSeconds: 1 })]);
    await waitForExecutionStatus(harness.sagemaker, arn, 'Succeeded');

    // Act
    const call = stop(arn);

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("Only pipelines with 'Executing' status can be stopped"),
    });
  });

  it('refuses a second stop with another token while the execution is Stopping', async () => {
    // Prepare
    const arn = await startRun([lambdaStep('Export', { DurationSeconds: 100 })]);
    await stop(arn, token('first'));

    // Act
    const call = stop(arn, token('second'));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining("status 'Stopping'") });
  });

  it('stops a job step after the default 2 simulated seconds', async () => {
    // Prepare
    const arn = await startRun([jobStep('Process', 'Processing', { DurationSeconds: 1_000 })]);
    await stop(arn);

    // Act
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped', 2_000);

    // Assess
    const step = await stepNamed(harness.sagemaker, arn, 'Process');
    expect(step?.StepStatus).toBe('Stopped');
  });

  it('answers a repeated ClientRequestToken idempotently, during and after the stop', async () => {
    // Prepare
    const arn = await startRun([jobStep('Train', 'Training', { DurationSeconds: 1_000, StopDurationSeconds: 50 })]);
    await stop(arn, token('same'));

    // Act
    const whileStopping = await stop(arn, token('same'));
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');
    const afterStopped = await stop(arn, token('same'));

    // Assess
    expect(whileStopping.PipelineExecutionArn).toBe(arn);
    expect(afterStopped.PipelineExecutionArn).toBe(arn);
  });

  it('answers ResourceNotFound for an unknown execution ARN', async () => {
    // Act
    const call = stop('arn:aws:sagemaker:us-east-1:123456789012:pipeline/ghost/execution/000000000000');

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ResourceNotFound' });
  });

  it('rejects a malformed ARN and a ClientRequestToken shorter than 32 characters', async () => {
    // Prepare
    const arn = await startRun([jobStep('Train', 'Training', { DurationSeconds: 1_000 })]);

    // Act
    const badArn = stop('not-an-arn');
    const shortToken = stop(arn, 'too-short');

    // Assess
    await expect(badArn).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining("'pipelineExecutionArn'") });
    await expect(shortToken).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining(
        "at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32",
      ),
    });
  });
});

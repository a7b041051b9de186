/**
 * End to end: how a graceful stop ends on the local test cloud — the
 * SageMaker Pipelines simulator, the fauxqs SQS emulator, the embedded engine
 * and the BUILT handler bundles, with the reference callback consumer behind
 * the SQS poller — and that HTTP 500 bursts and dropped connections, injected
 * by the simulator, do not change it (the SDK's retries absorb short bursts; a
 * longer one reaches the ASL Retry, its intervals shortened to 20 ms here).
 * Throttling has its own file (throttling.test.ts). Simulated time runs 20×
 * faster (simulator, handler clock and Wait states alike).
 */
import { describe, expect, it } from 'vitest';
import { StopPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { callbackStep, jobStep, lambdaStep, useTestCloud, type TestCloud } from '#test/support/test-cloud.js';
import { drainingExecution, expectStoppedCleanly } from '#test/support/draining.js';
import { LAST_CHECK, ROUND, START, expectFailed, expectSucceeded, ended, finish, statsDelta } from '#test/support/expectations.js';
import { S, failedReport, pathOf, retried, shapeOf, timesEntered } from '#test/support/run-path.js';
import { waitFor } from '#local/bounded.js';
import { SDK_MAX_ATTEMPTS } from '#commons/clients.js';

const TIME_SCALE = 20;
const testBed = useTestCloud({ timeScale: TIME_SCALE });

/** The Stop state's record of one run: was our StopPipelineExecution accepted? */
function stopRecordOf(result: Awaited<ReturnType<TestCloud['run']>>): { accepted: boolean; statusAtStop?: string } {
  const exited = result.events.find((event) => event.type === 'StateExited' && event.state?.name === S.stop);
  const { accepted, statusAtStop } = (exited?.state?.output as { stop: { accepted: boolean; statusAtStop?: string } }).stop;
  return statusAtStop === undefined ? { accepted } : { accepted, statusAtStop };
}

describe('Graceful stop of a pipeline execution with a callback step', () => {
  it('ends Stopped once the reference consumer answers the Stopping message, releasing nothing', async () => {
    // Prepare
    const { queueUrl, deadLetterQueueUrl } = await testBed().callbackQueue('answered');
    const consumer = testBed().consume(queueUrl, testBed().referenceConsumer);
    const arn = await testBed().startExecution('answered', [callbackStep('AwaitApproval', queueUrl)]);
    await testBed().waitForSteps(arn, ['AwaitApproval']);
    await waitFor(
      'the Executing message to be consumed',
      () => consumer.stats().deleted,
      (deleted) => deleted >= 1,
    );
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, reason: 'e2e: callback answered', maxWaitSeconds: 120 });

    // Assess
    const output = expectSucceeded(result);
    expect(output).toMatchObject({ pipelineExecutionArn: arn, outcome: 'Stopped', finalStatus: 'Stopped', releasedCallbackSteps: [] });
    expect(output.steps).toEqual([expect.objectContaining({ name: 'AwaitApproval', type: 'Callback', status: 'Stopped' })]);
    expect([
      [...START, ...LAST_CHECK, ...ended(S.succeeded)],
      [...START, ...ROUND, ...LAST_CHECK, ...ended(S.succeeded)],
    ]).toContainEqual(shapeOf(result));
    expect(timesEntered(result, S.release)).toBe(0);
    const delta = statsDelta(before, testBed().emulators.simulator.stats());
    expect(delta.calls.StopPipelineExecution).toBe(1);
    expect(delta.calls.SendPipelineExecutionStepFailure).toBe(1);
    expect(delta.errors).toEqual({});
    const [step] = await testBed().steps(arn);
    expect(step?.FailureReason).toMatch(/consumer acknowledged the Stopping message/);
    await waitFor(
      'the Stopping message to be deleted',
      () => consumer.stats().deleted,
      (deleted) => deleted >= 2,
    );
    expect(consumer.stats()).toMatchObject({ received: 2, deleted: 2, failed: 0, handlerErrors: 0 });
    expect(await testBed().queueCounts(deadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('fails with DrainTimedOut naming the callback step when nobody answers and no release is configured', async () => {
    // Prepare
    const { queueUrl } = await testBed().callbackQueue('unanswered');
    const arn = await testBed().startExecution('unanswered', [callbackStep('AwaitApproval', queueUrl)]);
    await testBed().waitForSteps(arn, ['AwaitApproval']);
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 10 });

    // Assess
    const cause = expectFailed(result, S.drainTimedOut, 'DrainTimedOut');
    expect(cause).toMatch(
      /^The pipeline execution was still Stopping after the 10 s deadline; still draining: Callback step 'AwaitApproval' \(Stopping/,
    );
    expect(cause).toContain(`pipelineExecutionArn=${arn}`);
    expect(shapeOf(result)).toEqual([...START, ...ROUND, ...LAST_CHECK, ...finish(S.drainTimedOut)]);
    expect(failedReport(result, S.drainTimedOut).document).toMatchObject({ finalStatus: 'Stopping', releasedCallbackSteps: [] });
    expect(failedReport(result, S.drainTimedOut).document.waitedSeconds).toBeGreaterThanOrEqual(10);
    // Nothing answered the token: SageMaker is still waiting, both messages are still queued.
    expect(statsDelta(before, testBed().emulators.simulator.stats()).calls.SendPipelineExecutionStepFailure).toBeUndefined();
    expect((await testBed().describe(arn)).PipelineExecutionStatus).toBe('Stopping');
    expect((await testBed().queueCounts(queueUrl)).visible).toBe(2);
  });
});

describe('Graceful stop of a pipeline execution with a Lambda step', () => {
  it('waits for the Lambda step to finish and ends Stopped', async () => {
    // Prepare
    const arn = await testBed().startExecution('lambda-finishes', [lambdaStep('Evaluate', { DurationSeconds: 24 })]);
    await testBed().waitForSteps(arn, ['Evaluate']);

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 300 });

    // Assess
    const output = expectSucceeded(result);
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped', releasedCallbackSteps: [] });
    expect(output.steps).toEqual([expect.objectContaining({ name: 'Evaluate', type: 'Lambda', status: 'Succeeded' })]);
    // The Lambda step had more than 15 of its 24 simulated seconds left when the stop came.
    expect(output.waitedSeconds).toBeGreaterThanOrEqual(15);
    expect(output.polls).toBeGreaterThanOrEqual(2);
    expect(shapeOf(result)).toEqual([...START, ...ROUND, ...LAST_CHECK, ...ended(S.succeeded)]);
    const [step] = await testBed().steps(arn);
    expect(step?.EndTime?.getTime()).toBeGreaterThanOrEqual(Date.parse(output.stopRequestedAt ?? ''));
  });

  it('fails with PipelineExecutionFailed naming the step when the Lambda step times out while draining', async () => {
    // Prepare
    const arn = await testBed().startExecution('lambda-timeout', [lambdaStep('Evaluate', { DurationSeconds: 600, TimeoutSeconds: 20 })]);
    await testBed().waitForSteps(arn, ['Evaluate']);

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 300 });

    // Assess
    const cause = expectFailed(result, S.failed, 'PipelineExecutionFailed');
    expect(cause).toMatch(
      /^The pipeline execution ended Failed instead of Stopped after the stop was requested: Lambda step 'Evaluate' failed \(.*timed out.*\)\./,
    );
    expect(cause).toContain('finalStatus=Failed');
    expect(shapeOf(result)).toEqual([...START, ...ROUND, ...LAST_CHECK, ...ended(S.failed)]);
    const { document } = failedReport(result, S.failed);
    expect(document.steps).toEqual([expect.objectContaining({ name: 'Evaluate', type: 'Lambda', status: 'Failed' })]);
    expect((await testBed().describe(arn)).FailureReason).toBe('Step failure: One or multiple steps failed.');
  });
});

describe('Graceful stop of an execution that is not running', () => {
  it('reports AlreadyStopped without waiting when someone else stopped the run first', async () => {
    // Prepare
    const arn = await testBed().startExecution('already-stopped', [jobStep('Train', { DurationSeconds: 600, StopDurationSeconds: 2 })]);
    await testBed().waitForSteps(arn, ['Train']);
    await testBed().sagemaker.send(
      new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: 'e2e-someone-else-stopped-it-first-0001' }),
    );
    await testBed().waitForStatus(arn, 'Stopped');
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn });

    // Assess
    const output = expectSucceeded(result);
    expect(output).toMatchObject({ outcome: 'AlreadyStopped', finalStatus: 'Stopped', releasedCallbackSteps: [] });
    expect(shapeOf(result)).toEqual([...START, ...LAST_CHECK, ...ended(S.succeeded)]);
    expect(stopRecordOf(result)).toEqual({ accepted: false, statusAtStop: 'Stopped' });
    const delta = statsDelta(before, testBed().emulators.simulator.stats());
    expect(delta.calls.StopPipelineExecution).toBe(1);
    expect(delta.errors).toEqual({ ValidationException: 1 });
  });

  it('fails with PipelineExecutionNotFound for a well-formed ARN SageMaker does not know', async () => {
    // Prepare
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/e2e-nowhere/execution/0a1b2c3d4e5f';
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn });

    // Assess
    const cause = expectFailed(result, S.notFound, 'PipelineExecutionNotFound');
    expect(cause).toContain(`SageMaker has no pipeline execution ${arn}`);
    expect(shapeOf(result)).toEqual([...START, ...finish(S.notFound)]);
    const delta = statsDelta(before, testBed().emulators.simulator.stats());
    expect(delta.calls).toEqual({ StopPipelineExecution: 1 });
    expect(delta.errors).toEqual({ ResourceNotFound: 1 });
  });
});

describe('Two graceful stops of the same execution at once', () => {
  it('both end Stopped: one stop is accepted, the other finds the run Stopping and drains with it', async () => {
    // Prepare
    const arn = await testBed().startExecution('concurrent', [lambdaStep('Evaluate', { DurationSeconds: 24 })]);
    await testBed().waitForSteps(arn, ['Evaluate']);
    const before = testBed().emulators.simulator.stats();

    // Act
    const results = await Promise.all([
      testBed().run({ pipelineExecutionArn: arn, reason: 'e2e: first' }),
      testBed().run({ pipelineExecutionArn: arn, reason: 'e2e: second' }),
    ]);

    // Assess
    const outputs = results.map(expectSucceeded);
    expect(outputs.map((output) => [output.outcome, output.finalStatus])).toEqual([
      ['Stopped', 'Stopped'],
      ['Stopped', 'Stopped'],
    ]);
    expect(results.map(stopRecordOf).sort((a, b) => Number(b.accepted) - Number(a.accepted))).toEqual([
      { accepted: true },
      { accepted: false, statusAtStop: 'Stopping' },
    ]);
    for (const result of results) expect(shapeOf(result)).toEqual([...START, ...ROUND, ...LAST_CHECK, ...ended(S.succeeded)]);
    const delta = statsDelta(before, testBed().emulators.simulator.stats());
    expect(delta.calls.StopPipelineExecution).toBe(2);
    expect(delta.errors).toEqual({ ValidationException: 1 });
  });
});

describe('Graceful stop under SageMaker server errors', () => {
  it('ends Stopped after HTTP 500 bursts, retrying Check Pipeline Execution in the state machine once the SDK gives up', async () => {
    // Prepare
    const arn = await drainingExecution(testBed(), 'server-error', 40);
    const { faults } = testBed().emulators.simulator;
    faults.set('StopPipelineExecution', { serverError: { nextCalls: 2 } });
    // One more than the SDK's attempts: the handler fails with InternalFailure once and the ASL Retry runs it again.
    faults.set('DescribePipelineExecution', { serverError: { nextCalls: SDK_MAX_ATTEMPTS + 1 } });
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 600 });

    // Assess
    expectStoppedCleanly(result, arn);
    expect(pathOf(result).filter((state) => state.startsWith('retried: '))).toEqual([retried(S.check)]);
    expect(faults.list()).toEqual({});
    const delta = statsDelta(before, testBed().emulators.simulator.stats());
    expect(delta.faults).toEqual({ serverError: 2 + SDK_MAX_ATTEMPTS + 1 });
    expect(delta.errors).toEqual({ InternalFailure: 2 + SDK_MAX_ATTEMPTS + 1 });
    expect(delta.calls.StopPipelineExecution).toBe(3);
  });
});

describe('Graceful stop over dropped connections', () => {
  it('ends Stopped when connections to SageMaker are reset during the stop and the step listing', async () => {
    // Prepare
    const arn = await drainingExecution(testBed(), 'connection-reset', 24);
    const { faults } = testBed().emulators.simulator;
    faults.set('StopPipelineExecution', { connectionReset: { nextCalls: 2 } });
    faults.set('ListPipelineExecutionSteps', { connectionReset: { nextCalls: 2 } });
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 600 });

    // Assess
    expectStoppedCleanly(result, arn);
    expect(faults.list()).toEqual({});
    const delta = statsDelta(before, testBed().emulators.simulator.stats());
    expect(delta.faults).toEqual({ connectionReset: 2 + 2 });
    expect(delta.calls.StopPipelineExecution).toBe(3);
    expect(delta.errors).toEqual({});
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import {
  ConflictException,
  DescribePipelineExecutionCommand,
  ResourceNotFound,
  SageMakerClient,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { stopPipelineExecution, type StopDependencies } from '#graceful-stop/stop-pipeline-execution.logic.js';
import { deriveClientRequestToken } from '#commons/tokens.js';
import { s3StopRecords } from '#stop-records/stop-records.js';
import { MemoryObjects } from '#test/support/memory-objects.js';
import { ARN, EXECUTION_ID, FakeClock, NOT_EXECUTING_MESSAGE, T0, sdkError } from '#test/support/fixtures.js';

const sagemaker = mockClient(SageMakerClient);

let objects = new MemoryObjects();

function deps(defaults: StopDependencies['defaults'] = { maxWaitSeconds: 900 }): StopDependencies {
  return { sagemaker: new SageMakerClient({}), clock: new FakeClock(T0), defaults, stopRecords: s3StopRecords(objects) };
}

const notFound = (): ResourceNotFound =>
  new ResourceNotFound({ message: `Pipeline execution ${ARN} does not exist`, $metadata: { httpStatusCode: 400 } });

describe('stopPipelineExecution', () => {
  beforeEach(() => {
    sagemaker.reset();
    objects = new MemoryObjects();
  });

  it('writes its stop record before it signals, so the stop watch knows the stop is ours', async () => {
    // Prepare
    const order: string[] = [];
    sagemaker.on(StopPipelineExecutionCommand).callsFake(() => {
      order.push(`stop after ${objects.calls.length} record write(s)`);
      return { PipelineExecutionArn: ARN };
    });

    // Act
    await stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID }, deps());

    // Assess
    expect(order).toEqual(['stop after 1 record write(s)']);
    const stops = await s3StopRecords(objects).stopsOn(ARN);
    expect(stops).toHaveLength(1);
    expect(JSON.parse([...objects.objects.values()][0] ?? '')).toMatchObject({
      pipelineExecutionArn: ARN,
      stopExecutionArn: EXECUTION_ID,
      signalled: true,
    });
  });

  it('still signals when the stop record cannot be written (S3 down)', async () => {
    // Prepare
    objects.failWith = Object.assign(new Error('S3 is down'), { name: 'ServerErrorResponse' });
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: ARN });

    // Act
    const state = await stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID }, deps());

    // Assess
    expect(state.stop.accepted).toBe(true);
    expect(sagemaker).toHaveReceivedCommandTimes(StopPipelineExecutionCommand, 1);
  });

  it('drains a run someone else is stopping without a second StopPipelineExecution when drainOnly is set', async () => {
    // Prepare
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopping' });

    // Act
    const state = await stopPipelineExecution({ raw: { pipelineExecutionArn: ARN, drainOnly: true }, executionId: EXECUTION_ID }, deps());

    // Assess
    expect(sagemaker).toHaveReceivedCommandTimes(StopPipelineExecutionCommand, 0);
    expect(state.stop).toMatchObject({ accepted: false, statusAtStop: 'Stopping' });
    expect(state.request.drainOnly).toBe(true);
    expect(JSON.parse([...objects.objects.values()][0] ?? '')).toMatchObject({ signalled: false });
  });

  it('refuses drainOnly at once with PipelineExecutionNotStopping when nobody is stopping the run, and writes no stop record', async () => {
    // Prepare
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Executing' });

    // Act
    const stopping = stopPipelineExecution({ raw: { pipelineExecutionArn: ARN, drainOnly: true }, executionId: EXECUTION_ID }, deps());

    // Assess
    await expect(stopping).rejects.toMatchObject({
      name: 'PipelineExecutionNotStopping',
      message: expect.stringMatching(
        /is Executing: nobody is stopping it, so drainOnly has nothing to drain; start the graceful stop without drainOnly/,
      ),
    });
    expect(sagemaker).toHaveReceivedCommandTimes(StopPipelineExecutionCommand, 0);
    expect(objects.objects.size).toBe(0);
  });

  it.each(['Stopped', 'Succeeded', 'Failed'])(
    'takes drainOnly for a run that has already ended %s (the stop watch may come late)',
    async (status) => {
      // Prepare
      sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: status as 'Stopped' });

      // Act
      const state = await stopPipelineExecution({ raw: { pipelineExecutionArn: ARN, drainOnly: true }, executionId: EXECUTION_ID }, deps());

      // Assess
      expect(state.stop).toMatchObject({ accepted: false, statusAtStop: status });
    },
  );

  it('requests the stop with a ClientRequestToken derived from the execution id', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: ARN });
    // Act
    await stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID }, deps());
    // Assess
    expect(sagemaker).toHaveReceivedCommandExactlyOnceWith(StopPipelineExecutionCommand, {
      PipelineExecutionArn: ARN,
      ClientRequestToken: deriveClientRequestToken(EXECUTION_ID, 'stop'),
    });
    expect(sagemaker).not.toHaveReceivedCommand(DescribePipelineExecutionCommand);
  });

  it('sends the same ClientRequestToken on two attempts with the same execution id', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: ARN });
    const state = { raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID };
    // Act
    await stopPipelineExecution(state, deps());
    await stopPipelineExecution(state, deps());
    // Assess
    const tokens = sagemaker.commandCalls(StopPipelineExecutionCommand).map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sends a different ClientRequestToken for a different execution id', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: ARN });
    // Act
    await stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: `${EXECUTION_ID}-a` }, deps());
    await stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: `${EXECUTION_ID}-b` }, deps());
    // Assess
    const [first, second] = sagemaker.commandCalls(StopPipelineExecutionCommand).map((call) => call.args[0].input.ClientRequestToken);
    expect(first).not.toBe(second);
  });

  it('records an accepted stop with its request time and deadline', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: ARN });
    // Act
    const state = await stopPipelineExecution(
      { raw: { pipelineExecutionArn: ARN, maxWaitSeconds: 120, reason: 'Budget' }, executionId: EXECUTION_ID },
      deps(),
    );
    // Assess
    expect(state.stop).toEqual({ requestedAt: T0, deadlineAt: '2025-03-01T12:02:00.000Z', accepted: true });
    expect(state.request).toEqual({
      pipelineExecutionArn: ARN,
      pipelineName: 'demo-pipeline',
      reason: 'Budget',
      maxWaitSeconds: 120,
      failIfNotRunning: false,
    });
    expect(state.released).toEqual([]);
    expect(state.executionId).toBe(EXECUTION_ID);
  });

  it('uses the configured defaults for fields the input leaves out', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({});
    // Act
    const state = await stopPipelineExecution(
      { raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID },
      deps({ maxWaitSeconds: 1800, releaseCallbacksAfterSeconds: 600 }),
    );
    // Assess
    expect(state.request).toMatchObject({ maxWaitSeconds: 1800, releaseCallbacksAfterSeconds: 600, failIfNotRunning: false });
  });

  it('accepts the input inside an EventBridge envelope', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({});
    const raw = { 'detail-type': 'Graceful Stop Requested', source: 'my.app', detail: { pipelineExecutionArn: ARN } };
    // Act
    const state = await stopPipelineExecution({ raw, executionId: EXECUTION_ID }, deps());
    // Assess
    expect(state.request.pipelineExecutionArn).toBe(ARN);
    expect(sagemaker).toHaveReceivedCommandWith(StopPipelineExecutionCommand, { PipelineExecutionArn: ARN });
  });

  it('keeps callback steps released by an earlier attempt', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({});
    const released = [{ stepName: 'Approve', releasedAt: T0, callbackToken: '***xyz', result: 'Released' as const }];
    // Act
    const state = await stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID, released }, deps());
    // Assess
    expect(state.released).toEqual(released);
  });

  it.each(['Stopped', 'Failed', 'Succeeded', 'Stopping'] as const)(
    'describes the execution and records statusAtStop %s when SageMaker says it is no longer Executing',
    async (status) => {
      // Prepare
      sagemaker.on(StopPipelineExecutionCommand).rejects(sdkError('ValidationException', NOT_EXECUTING_MESSAGE));
      sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: status });
      // Act
      const state = await stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID }, deps());
      // Assess
      expect(state.stop).toMatchObject({ accepted: false, statusAtStop: status, requestedAt: T0 });
      expect(sagemaker).toHaveReceivedCommandExactlyOnceWith(DescribePipelineExecutionCommand, { PipelineExecutionArn: ARN });
    },
  );

  it('recognises the not-Executing message inside a longer SageMaker message', async () => {
    // Prepare
    const message = `Pipeline execution ${ARN} is in Stopped status. ${NOT_EXECUTING_MESSAGE}.`;
    sagemaker.on(StopPipelineExecutionCommand).rejects(sdkError('ValidationException', message));
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopped' });
    // Act
    const state = await stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID }, deps());
    // Assess
    expect(state.stop.accepted).toBe(false);
  });

  it('maps ResourceNotFound from the describe after a not-Executing answer to PipelineExecutionNotFound', async () => {
    // Prepare
    const error = notFound();
    sagemaker.on(StopPipelineExecutionCommand).rejects(sdkError('ValidationException', NOT_EXECUTING_MESSAGE));
    sagemaker.on(DescribePipelineExecutionCommand).rejects(error);
    // Act
    const stopping = stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID }, deps());
    // Assess
    await expect(stopping).rejects.toMatchObject({ name: 'PipelineExecutionNotFound', cause: error });
  });

  it('lets a throttled describe after a not-Executing answer propagate by name for the ASL Retry', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).rejects(sdkError('ValidationException', NOT_EXECUTING_MESSAGE));
    sagemaker.on(DescribePipelineExecutionCommand).rejects(sdkError('ThrottlingException', 'Rate exceeded'));
    // Act
    const stopping = stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID }, deps());
    // Assess
    await expect(stopping).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('turns any other ValidationException into InvalidInput that quotes SageMaker', async () => {
    // Prepare
    const error = sdkError('ValidationException', 'ClientRequestToken is malformed');
    sagemaker.on(StopPipelineExecutionCommand).rejects(error);
    // Act
    const stopping = stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID }, deps());
    // Assess
    await expect(stopping).rejects.toMatchObject({
      name: 'InvalidInput',
      message: 'SageMaker rejected the stop request: ClientRequestToken is malformed',
      cause: error,
    });
    expect(sagemaker).not.toHaveReceivedCommand(DescribePipelineExecutionCommand);
  });

  it.each([
    ['ResourceNotFound', notFound()],
    ['ResourceNotFoundException', sdkError('ResourceNotFoundException')],
  ])('maps %s to PipelineExecutionNotFound naming the ARN, with the SDK error as cause', async (_name, error) => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).rejects(error);
    // Act
    const stopping = stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID }, deps());
    // Assess
    await expect(stopping).rejects.toMatchObject({
      name: 'PipelineExecutionNotFound',
      message: expect.stringContaining(ARN),
      cause: error,
    });
  });

  it.each([
    ['ConflictException', new ConflictException({ message: 'between steps', $metadata: {} })],
    ['ThrottlingException', sdkError('ThrottlingException', 'Rate exceeded')],
    ['InternalFailure', sdkError('InternalFailure', 'oops')],
  ])('lets %s propagate with its own name so the ASL retries it', async (name, error) => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).rejects(error);
    // Act
    const stopping = stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID }, deps());
    // Assess
    await expect(stopping).rejects.toBe(error);
    await expect(stopping).rejects.toMatchObject({ name });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
  ])('rejects a %s executionId with InvalidInput and makes no SageMaker call', async (_label, executionId) => {
    // Act
    const stopping = stopPipelineExecution({ raw: { pipelineExecutionArn: ARN }, executionId: executionId as unknown as string }, deps());
    // Assess
    await expect(stopping).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/expected the Step Functions execution id/),
    });
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

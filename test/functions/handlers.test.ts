import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  SendPipelineExecutionStepFailureCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { handler as stopHandler } from '#graceful-stop/stop-pipeline-execution.js';
import { handler as checkHandler } from '#graceful-stop/check-pipeline-execution.js';
import { handler as releaseHandler } from '#graceful-stop/release-callback-steps.js';
import { handler as reportHandler } from '#graceful-stop/report-outcome.js';
import { handler as publishHandler } from '#graceful-stop/publish-completion-event.js';
import { logger } from '#commons/logger.js';
import { deriveClientRequestToken } from '#commons/tokens.js';
import type { GracefulStopState } from '#graceful-stop/model.js';
import { ARN, EXECUTION_ID, callbackStep, checkedState, lambdaStep, outputDocument, stoppedState } from '#test/support/fixtures.js';
import { lambdaContext } from '#test/support/lambda-context.js';

const sagemaker = mockClient(SageMakerClient);
const eventBridge = mockClient(EventBridgeClient);
const TOKEN = 'ApPrOvE123';

/** A stop requested `seconds` ago in real time: the handlers use the system clock. */
const requestedAgo = (seconds: number): string => new Date(Date.now() - seconds * 1000).toISOString();

describe('handlers', () => {
  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
    vi.restoreAllMocks();
  });

  describe('stop-pipeline-execution', () => {
    it('validates the input, requests the stop and applies DEFAULT_MAX_WAIT_SECONDS', async () => {
      // Prepare
      sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: ARN });
      // Act
      const state = await stopHandler({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID, released: [] }, lambdaContext());
      // Assess
      expect(state.request).toEqual({
        pipelineExecutionArn: ARN,
        pipelineName: 'demo-pipeline',
        maxWaitSeconds: 900,
        failIfNotRunning: false,
      });
      expect(state.stop.accepted).toBe(true);
      expect(sagemaker).toHaveReceivedCommandExactlyOnceWith(StopPipelineExecutionCommand, {
        PipelineExecutionArn: ARN,
        ClientRequestToken: deriveClientRequestToken(EXECUTION_ID, 'stop'),
      });
    });

    it('rejects malformed input with InvalidInput and no SageMaker call', async () => {
      // Act
      const stopping = stopHandler(
        { raw: { pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/demo' }, executionId: EXECUTION_ID },
        lambdaContext(),
      );
      // Assess
      await expect(stopping).rejects.toMatchObject({ name: 'InvalidInput' });
      expect(sagemaker.calls()).toHaveLength(0);
    });
  });

  describe('check-pipeline-execution', () => {
    it('describes once (WATCH_SECONDS=0), lists the steps and caps the wait with POLL_CAP_SECONDS', async () => {
      // Prepare
      sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopping' });
      sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [callbackStep('Approve', TOKEN)] });
      const state = stoppedState({ stop: { requestedAt: requestedAgo(3000) }, request: { maxWaitSeconds: 86_400 } });
      // Act
      const result = await checkHandler(state, lambdaContext());
      // Assess
      expect(result.check).toMatchObject({ status: 'Stopping', polls: 1, nextWaitSeconds: 20, deadlinePassed: false });
      expect(sagemaker).toHaveReceivedCommandTimes(DescribePipelineExecutionCommand, 1);
    });

    it('logs and returns the draining steps without their callback token', async () => {
      // Prepare
      const info = vi.spyOn(logger, 'info');
      sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopping' });
      sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [callbackStep('Approve', TOKEN)] });
      // Act
      const result = await checkHandler(stoppedState({ stop: { requestedAt: requestedAgo(10) } }), lambdaContext());
      // Assess
      expect(info).toHaveBeenCalledWith('Pipeline execution checked', expect.objectContaining({ status: 'Stopping' }));
      expect(JSON.stringify(info.mock.calls)).not.toContain(TOKEN);
      expect(JSON.stringify(result)).not.toContain(TOKEN);
    });
  });

  describe('release-callback-steps', () => {
    it('releases the draining callback step and logs only the masked token', async () => {
      // Prepare
      const info = vi.spyOn(logger, 'info');
      sagemaker
        .on(ListPipelineExecutionStepsCommand)
        .resolves({ PipelineExecutionSteps: [callbackStep('Approve', TOKEN), lambdaStep('Work')] });
      sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
      const state = checkedState({ request: { releaseCallbacksAfterSeconds: 60 }, check: { status: 'Stopping', releaseDue: true } });
      // Act
      const result = await releaseHandler(state, lambdaContext());
      // Assess
      expect(sagemaker).toHaveReceivedCommandExactlyOnceWith(SendPipelineExecutionStepFailureCommand, { CallbackToken: TOKEN });
      expect(result.released).toEqual([expect.objectContaining({ stepName: 'Approve', callbackToken: '***123', result: 'Released' })]);
      expect(info).toHaveBeenCalledWith('Callback steps released', { released: result.released });
      expect(JSON.stringify(info.mock.calls)).not.toContain(TOKEN);
      expect(JSON.stringify(result)).not.toContain(TOKEN);
    });
  });

  describe('report-outcome', () => {
    it('adds the result to the state it was given', async () => {
      // Prepare
      const state = checkedState({ check: { status: 'Stopped' } });
      // Act
      const result = await reportHandler(state, lambdaContext());
      // Assess
      expect(result).toEqual({ ...state, result: expect.objectContaining({ document: expect.objectContaining({ outcome: 'Stopped' }) }) });
      expect(result.result?.error).toBeUndefined();
    });

    it('reports a caught failure as the named error', async () => {
      // Prepare
      const state: GracefulStopState = {
        raw: { pipelineExecutionArn: ARN },
        executionId: EXECUTION_ID,
        failure: {
          Error: 'PipelineExecutionNotFound',
          Cause: JSON.stringify({ errorType: 'PipelineExecutionNotFound', errorMessage: 'Gone.' }),
        },
      };
      // Act
      const result = await reportHandler(state, lambdaContext());
      // Assess
      expect(result.result).toMatchObject({ error: 'PipelineExecutionNotFound', cause: expect.stringMatching(/^Gone\. \[/) });
    });
  });

  describe('publish-completion-event', () => {
    it('publishes nothing when COMPLETION_EVENT_BUS_NAME is empty', async () => {
      // Act
      const result = await publishHandler({ ...checkedState(), result: { document: outputDocument() } }, lambdaContext());
      // Assess
      expect(result).toEqual({ published: false });
      expect(eventBridge.calls()).toHaveLength(0);
    });
  });
});

describe('handler configuration read at load', () => {
  const load = {
    stop: () => import('#graceful-stop/stop-pipeline-execution.js'),
    check: () => import('#graceful-stop/check-pipeline-execution.js'),
    publish: () => import('#graceful-stop/publish-completion-event.js'),
  };

  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
    vi.resetModules();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it.each<[keyof typeof load, string, string | undefined]>([
    ['stop', 'DEFAULT_MAX_WAIT_SECONDS', undefined],
    ['stop', 'DEFAULT_MAX_WAIT_SECONDS', '0'],
    ['stop', 'DEFAULT_MAX_WAIT_SECONDS', '86401'],
    ['stop', 'DEFAULT_RELEASE_CALLBACKS_AFTER_SECONDS', 'ten'],
    ['check', 'POLL_CAP_SECONDS', undefined],
    ['check', 'POLL_CAP_SECONDS', '0'],
    ['check', 'WATCH_SECONDS', ''],
    ['check', 'WATCH_SECONDS', '241'],
    ['check', 'GRACEFUL_STOP_TIME_SCALE', '0.5'],
    ['publish', 'COMPLETION_EVENT_BUS_NAME', undefined],
  ])('refuses to load the %s handler when %s is %j, naming the variable', async (handler, name, value) => {
    // Prepare
    vi.stubEnv(name, value);
    // Act
    const loading = load[handler]();
    // Assess
    await expect(loading).rejects.toMatchObject({ name: 'ConfigurationError', message: expect.stringContaining(name) });
  });

  it('applies DEFAULT_RELEASE_CALLBACKS_AFTER_SECONDS to an input without one', async () => {
    // Prepare
    vi.stubEnv('DEFAULT_RELEASE_CALLBACKS_AFTER_SECONDS', '120');
    const { handler } = await load.stop();
    sagemaker.on(StopPipelineExecutionCommand).resolves({});
    // Act
    const state = await handler({ raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID }, lambdaContext());
    // Assess
    expect(state.request.releaseCallbacksAfterSeconds).toBe(120);
  });

  it('watches the status for WATCH_SECONDS, in simulated time under GRACEFUL_STOP_TIME_SCALE', async () => {
    // Prepare
    vi.stubEnv('WATCH_SECONDS', '30');
    vi.stubEnv('GRACEFUL_STOP_TIME_SCALE', '1000');
    const { handler } = await load.check();
    sagemaker
      .on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Stopping' })
      .resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [] });
    // Act
    const state = await handler(stoppedState({ stop: { requestedAt: new Date().toISOString() } }), lambdaContext());
    // Assess
    expect(state.check).toMatchObject({ status: 'Stopped', polls: 2 });
  });

  it('publishes to the bus named by COMPLETION_EVENT_BUS_NAME', async () => {
    // Prepare
    vi.stubEnv('COMPLETION_EVENT_BUS_NAME', 'ml-ops-bus');
    const { handler } = await load.publish();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const state: GracefulStopState = {
      ...checkedState(),
      result: { error: 'DrainTimedOut', cause: 'Late.', document: outputDocument({ outcome: null, finalStatus: 'Stopping' }) },
    };
    // Act
    const result = await handler(state, lambdaContext());
    // Assess
    expect(result).toEqual({ published: true });
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        expect.objectContaining({
          EventBusName: 'ml-ops-bus',
          Detail: JSON.stringify({ error: 'DrainTimedOut', cause: 'Late.', pipelineExecutionArn: ARN }),
        }),
      ],
    });
  });
});

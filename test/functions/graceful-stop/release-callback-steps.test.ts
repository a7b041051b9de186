import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import {
  ConflictException,
  ListPipelineExecutionStepsCommand,
  ResourceNotFound,
  SageMakerClient,
  SendPipelineExecutionStepFailureCommand,
  SendPipelineExecutionStepSuccessCommand,
  type PipelineExecutionStep,
} from '@aws-sdk/client-sagemaker';
import { MAX_FAILURE_REASON_LENGTH, releaseCallbackSteps } from '#graceful-stop/release-callback-steps.logic.js';
import { releaseFailureReason } from '#pipeline-runs/callback-release.js';
import type { CheckedState, ReleasedStep } from '#graceful-stop/model.js';
import { deriveClientRequestToken } from '#commons/tokens.js';
import { EXECUTION_ID, T0, callbackStep, checkedState, clockAt, lambdaStep, request, sdkError } from '#test/support/fixtures.js';

const sagemaker = mockClient(SageMakerClient);
const RELEASE_AT = '2025-03-01T12:05:00.000Z';

function givenSteps(...steps: PipelineExecutionStep[]): void {
  sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: steps });
}

function stateWithGrace(overrides: Parameters<typeof checkedState>[0] = {}): CheckedState {
  return checkedState({
    ...overrides,
    request: { releaseCallbacksAfterSeconds: 120, reason: 'Nightly cost cut', ...overrides.request },
    check: { status: 'Stopping', releaseDue: true, ...overrides.check },
  });
}

function release(state: CheckedState): Promise<CheckedState> {
  return releaseCallbackSteps(state, { sagemaker: new SageMakerClient({}), clock: clockAt(300) });
}

const earlier: ReleasedStep = { stepName: 'Review', releasedAt: T0, callbackToken: '***w34', result: 'Released' };

describe('releaseCallbackSteps', () => {
  beforeEach(() => sagemaker.reset());

  it('fails only the draining callback steps that were not released yet', async () => {
    // Prepare
    givenSteps(
      callbackStep('Approve', 'ApPrOvE123', 'Executing'),
      callbackStep('Review', 'ReViEw1w34', 'Stopping'),
      callbackStep('Done', 'DoNe987654', 'Succeeded'),
      callbackStep('Starting', 'StArTiNg12', 'Starting'),
      lambdaStep('Work', 'Executing'),
      { StepName: 'NoToken', StepStatus: 'Executing', Metadata: { Callback: { SqsQueueUrl: 'https://sqs/q' } } },
    );
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    // Act
    const result = await release(stateWithGrace({ released: [earlier] }));
    // Assess
    const sent = sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand).map((call) => call.args[0].input.CallbackToken);
    expect(sent).toEqual(['ApPrOvE123', 'StArTiNg12']);
    expect(sagemaker).not.toHaveReceivedCommand(SendPipelineExecutionStepSuccessCommand);
    expect(result.released).toEqual([
      earlier,
      { stepName: 'Approve', releasedAt: RELEASE_AT, callbackToken: '***123', result: 'Released' },
      { stepName: 'Starting', releasedAt: RELEASE_AT, callbackToken: '***g12', result: 'Released' },
    ]);
  });

  it('never returns a callback token in full', async () => {
    // Prepare
    const tokens = ['ApPrOvE123', 'SeCoNd4567'];
    givenSteps(callbackStep('Approve', tokens[0]!), callbackStep('Second', tokens[1]!, 'Stopping'));
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    // Act
    const result = await release(stateWithGrace());
    // Assess
    const json = JSON.stringify(result);
    for (const token of tokens) expect(json).not.toContain(token);
    expect(result.released).toHaveLength(2);
  });

  it('sends a FailureReason that names the grace period and the stop reason', async () => {
    // Prepare
    givenSteps(callbackStep('Approve', 'ApPrOvE123'));
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    // Act
    await release(stateWithGrace());
    // Assess
    expect(sagemaker).toHaveReceivedCommandWith(SendPipelineExecutionStepFailureCommand, {
      CallbackToken: 'ApPrOvE123',
      FailureReason: 'Released by graceful stop after 120 s without an answer to the Stopping message: Nightly cost cut',
    });
  });

  it('sends a deterministic ClientRequestToken per execution and callback token', async () => {
    // Prepare
    givenSteps(callbackStep('Approve', 'ApPrOvE123'), callbackStep('Other', 'OtHeR45678'));
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    // Act
    await release(stateWithGrace());
    await release(stateWithGrace());
    // Assess
    const tokens = sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand).map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens).toEqual([
      deriveClientRequestToken(`${EXECUTION_ID}:ApPrOvE123`, 'release'),
      deriveClientRequestToken(`${EXECUTION_ID}:OtHeR45678`, 'release'),
      deriveClientRequestToken(`${EXECUTION_ID}:ApPrOvE123`, 'release'),
      deriveClientRequestToken(`${EXECUTION_ID}:OtHeR45678`, 'release'),
    ]);
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(tokens[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens[0]).not.toContain('ApPrOvE123');
  });

  it('reads the callback steps from every page', async () => {
    // Prepare
    sagemaker
      .on(ListPipelineExecutionStepsCommand)
      .resolvesOnce({ PipelineExecutionSteps: [lambdaStep('Work')], NextToken: 'page-2' })
      .resolvesOnce({ PipelineExecutionSteps: [callbackStep('Late', 'LaTe123456')] });
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    // Act
    const result = await release(stateWithGrace());
    // Assess
    expect(sagemaker).toHaveReceivedCommandExactlyOnceWith(SendPipelineExecutionStepFailureCommand, { CallbackToken: 'LaTe123456' });
    expect(result.released?.map((step) => step.stepName)).toEqual(['Late']);
  });

  it('makes no call and changes nothing when no callback step is draining', async () => {
    // Prepare
    givenSteps(lambdaStep('Work'), callbackStep('Done', 'DoNe987654', 'Succeeded'));
    const state = stateWithGrace({ released: [earlier] });
    // Act
    const result = await release(state);
    // Assess
    expect(sagemaker).not.toHaveReceivedCommand(SendPipelineExecutionStepFailureCommand);
    expect(result.released).toEqual([earlier]);
  });

  it('keeps the rest of the state as it was', async () => {
    // Prepare
    givenSteps(callbackStep('Approve', 'ApPrOvE123'));
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    const state = stateWithGrace();
    // Act
    const result = await release(state);
    // Assess
    expect({ ...result, released: undefined }).toEqual({ ...state, released: undefined });
  });

  it.each([
    ['ConflictException', new ConflictException({ message: 'already answered', $metadata: {} })],
    ['ResourceNotFound', new ResourceNotFound({ message: 'token unknown', $metadata: {} })],
    ['ValidationException', sdkError('ValidationException', 'The callback token is no longer valid')],
  ])('records a step whose token was already closed (%s) as AlreadyClosed and carries on', async (_name, error) => {
    // Prepare
    givenSteps(callbackStep('Approve', 'ApPrOvE123'), callbackStep('Other', 'OtHeR45678'));
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    sagemaker.on(SendPipelineExecutionStepFailureCommand, { CallbackToken: 'ApPrOvE123' }).rejects(error);
    // Act
    const result = await release(stateWithGrace());
    // Assess
    expect(result.released?.map(({ stepName, result: outcome }) => ({ stepName, outcome }))).toEqual([
      { stepName: 'Approve', outcome: 'AlreadyClosed' },
      { stepName: 'Other', outcome: 'Released' },
    ]);
  });

  it.each(['ThrottlingException', 'AccessDeniedException', 'InternalFailure'])('lets %s propagate by name', async (name) => {
    // Prepare
    givenSteps(callbackStep('Approve', 'ApPrOvE123'));
    sagemaker.on(SendPipelineExecutionStepFailureCommand).rejects(sdkError(name));
    // Act
    const releasing = release(stateWithGrace());
    // Assess
    await expect(releasing).rejects.toMatchObject({ name });
  });

  it('maps ResourceNotFound while listing the steps to PipelineExecutionNotFound', async () => {
    // Prepare
    const error = new ResourceNotFound({ message: 'Pipeline execution does not exist', $metadata: {} });
    sagemaker.on(ListPipelineExecutionStepsCommand).rejects(error);
    // Act
    const releasing = release(stateWithGrace());
    // Assess
    await expect(releasing).rejects.toMatchObject({ name: 'PipelineExecutionNotFound', cause: error });
    expect(sagemaker).not.toHaveReceivedCommand(SendPipelineExecutionStepFailureCommand);
  });
});

describe('releaseFailureReason', () => {
  it('names the grace period and the reason', () => {
    // Act
    const reason = releaseFailureReason(request({ reason: 'Budget exhausted' }).reason, 45);
    // Assess
    expect(reason).toBe('Released by graceful stop after 45 s without an answer to the Stopping message: Budget exhausted');
  });

  it('reads as a full sentence without a reason', () => {
    // Act
    const reason = releaseFailureReason(request().reason, 0);
    // Assess
    expect(reason).toBe('Released by graceful stop after 0 s without an answer to the Stopping message');
  });

  it(`is cut to ${MAX_FAILURE_REASON_LENGTH} characters with an ellipsis when the reason is long`, () => {
    // Prepare
    const long = `Because ${'x'.repeat(248)}`;
    // Act
    const reason = releaseFailureReason(request({ reason: long }).reason, 86_399);
    // Assess
    expect(reason).toHaveLength(MAX_FAILURE_REASON_LENGTH);
    expect(reason.endsWith('…')).toBe(true);
    expect(reason).toContain(': Because xxx');
  });

  it('never exceeds 256 characters for any reason up to 256 characters', () => {
    for (const length of [1, 100, 150, 160, 200, 256]) {
      // Act
      const reason = releaseFailureReason(request({ reason: 'r'.repeat(length) }).reason, 86_400);
      // Assess
      expect(reason.length).toBeLessThanOrEqual(256);
    }
  });
});

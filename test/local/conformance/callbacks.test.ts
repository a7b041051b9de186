import {
  CreatePipelineCommand,
  SendPipelineExecutionStepFailureCommand,
  SendPipelineExecutionStepSuccessCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { callbackStep, definition } from '#test/support/conformance-definitions.js';
import { createQueue, ROLE_ARN, useHarness, uniqueName } from '#test/support/conformance-harness.js';
import { executionStatus, receiveBodies, stepNamed, waitForExecutionStatus, waitForStepStatus } from '#test/support/sagemaker-waits.js';

interface CallbackBody {
  token: string;
  pipelineExecutionArn: string;
  arguments: Record<string, unknown>;
  status: string;
}

const harness = useHarness({ timeScale: 100 });

const STOP_TOKEN = 'stop-token-0123456789abcdef-0123456789';

/** A pipeline with one callback step, started; returns the ARN and the step's first message. */
async function startCallbackRun(args?: Record<string, unknown>) {
  const queueUrl = await createQueue(harness.sqs);
  const name = uniqueName('callback');
  await harness.sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: name,
      RoleArn: ROLE_ARN,
      PipelineDefinition: definition(
        [callbackStep('Approve', queueUrl, args ? { args } : {})],
        [{ Name: 'Owner', DefaultValue: 'nobody' }],
      ),
    }),
  );
  const { PipelineExecutionArn: arn = '' } = await harness.sagemaker.send(
    new StartPipelineExecutionCommand({ PipelineName: name, PipelineParameters: [{ Name: 'Owner', Value: 'team-ml' }] }),
  );
  const [first] = (await receiveBodies(harness.sqs, queueUrl, 1)) as CallbackBody[];
  if (!first) throw new Error('no callback message arrived');
  return { arn, queueUrl, first };
}

describe('callback step messages', () => {
  it('sends {token, pipelineExecutionArn, arguments, status: "Executing"} with the token shown in Metadata', async () => {
    // Act
    const { arn, first } = await startCallbackRun({
      owner: { Get: 'Parameters.Owner' },
      run: { Get: 'Execution.PipelineExecutionArn' },
      fixed: 'x',
    });
    const step = await stepNamed(harness.sagemaker, arn, 'Approve');

    // Assess
    expect(first).toEqual({
      token: expect.stringMatching(/^[A-Za-z0-9]{10}$/),
      pipelineExecutionArn: arn,
      arguments: { owner: 'team-ml', run: arn, fixed: 'x' },
      status: 'Executing',
    });
    expect(step?.Metadata?.Callback?.CallbackToken).toBe(first.token);
    expect(step?.StepStatus).toBe('Executing');
  });

  it('keeps typed argument values: Integer and Float parameters arrive as numbers, Boolean ones as booleans, literals as written', async () => {
    // Prepare
    const queueUrl = await createQueue(harness.sqs);
    const name = uniqueName('typed');
    const parameters = [
      { Name: 'Epochs', Type: 'Integer', DefaultValue: 10 },
      { Name: 'Ratio', Type: 'Float', DefaultValue: 0.5 },
      { Name: 'Strict', Type: 'Boolean', DefaultValue: false },
      { Name: 'Owner', Type: 'String', DefaultValue: '42' },
    ];
    const args = {
      epochs: { Get: 'Parameters.Epochs' },
      ratio: { Get: 'Parameters.Ratio' },
      strict: { Get: 'Parameters.Strict' },
      owner: { Get: 'Parameters.Owner' },
      batch: 32,
    };
    await harness.sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: name,
        RoleArn: ROLE_ARN,
        PipelineDefinition: definition([callbackStep('Approve', queueUrl, { args })], parameters),
      }),
    );

    // Act
    await harness.sagemaker.send(
      new StartPipelineExecutionCommand({
        PipelineName: name,
        PipelineParameters: [
          { Name: 'Epochs', Value: '25' },
          { Name: 'Strict', Value: 'true' },
        ],
      }),
    );
    const [message] = (await receiveBodies(harness.sqs, queueUrl, 1)) as CallbackBody[];
    const wrongType = harness.sagemaker.send(
      new StartPipelineExecutionCommand({ PipelineName: name, PipelineParameters: [{ Name: 'Epochs', Value: 'many' }] }),
    );

    // Assess
    expect(message?.arguments).toEqual({ epochs: 25, ratio: 0.5, strict: true, owner: '42', batch: 32 });
    await expect(wrongType).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/Parameter 'Epochs' is of type Integer/),
    });
  });

  it('sends a second message with status "Stopping" and the same token when the execution is stopped', async () => {
    // Prepare
    const { arn, queueUrl, first } = await startCallbackRun();

    // Act
    await harness.sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: STOP_TOKEN }));
    const [second] = (await receiveBodies(harness.sqs, queueUrl, 1)) as CallbackBody[];

    // Assess
    expect(second).toEqual({ ...first, status: 'Stopping' });
  });
});

describe('SendPipelineExecutionStepSuccess and SendPipelineExecutionStepFailure', () => {
  it('completes the step with its output parameters and lets the execution succeed', async () => {
    // Prepare
    const { arn, first } = await startCallbackRun();

    // Act
    const answer = await harness.sagemaker.send(
      new SendPipelineExecutionStepSuccessCommand({
        CallbackToken: first.token,
        OutputParameters: [{ Name: 'result', Value: 'approved' }],
      }),
    );
    await waitForExecutionStatus(harness.sagemaker, arn, 'Succeeded');
    const step = await stepNamed(harness.sagemaker, arn, 'Approve');

    // Assess
    expect(answer.PipelineExecutionArn).toBe(arn);
    expect(step?.StepStatus).toBe('Succeeded');
    expect(step?.Metadata?.Callback?.OutputParameters).toEqual([{ Name: 'result', Value: 'approved' }]);
  });

  it('fails the step with the given reason and fails the execution naming the step', async () => {
    // Prepare
    const { arn, first } = await startCallbackRun();

    // Act
    await harness.sagemaker.send(
      new SendPipelineExecutionStepFailureCommand({ CallbackToken: first.token, FailureReason: 'rejected by reviewer' }),
    );
    const described = await waitForExecutionStatus(harness.sagemaker, arn, 'Failed');
    const step = await stepNamed(harness.sagemaker, arn, 'Approve');

    // Assess
    expect(step).toMatchObject({ StepStatus: 'Failed', FailureReason: 'rejected by reviewer' });
    // SageMaker's sentence for the run; the step's own FailureReason says why.
    expect(described.FailureReason).toBe('Step failure: One or multiple steps failed.');
  });

  it('rejects an unknown token and a token that was already answered with ValidationException', async () => {
    // Prepare
    const { first } = await startCallbackRun();
    await harness.sagemaker.send(new SendPipelineExecutionStepSuccessCommand({ CallbackToken: first.token }));

    // Act
    const unknown = harness.sagemaker.send(new SendPipelineExecutionStepSuccessCommand({ CallbackToken: 'ABCDEFGHIJ' }));
    const spent = harness.sagemaker.send(new SendPipelineExecutionStepFailureCommand({ CallbackToken: first.token }));

    // Assess
    await expect(unknown).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('is not valid') });
    await expect(spent).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('can no longer be used') });
  });

  it('accepts a retry that carries the ClientRequestToken of the accepted answer', async () => {
    // Prepare
    const { arn, first } = await startCallbackRun();
    const request = { CallbackToken: first.token, ClientRequestToken: 'answer-token-0123456789abcdef-012345678' };
    await harness.sagemaker.send(new SendPipelineExecutionStepSuccessCommand(request));

    // Act
    const retried = await harness.sagemaker.send(new SendPipelineExecutionStepSuccessCommand(request));

    // Assess
    expect(retried.PipelineExecutionArn).toBe(arn);
  });

  it('rejects a FailureReason longer than 256 characters and a malformed token', async () => {
    // Prepare
    const { first } = await startCallbackRun();

    // Act
    const tooLong = harness.sagemaker.send(
      new SendPipelineExecutionStepFailureCommand({ CallbackToken: first.token, FailureReason: 'x'.repeat(257) }),
    );
    const malformed = harness.sagemaker.send(new SendPipelineExecutionStepSuccessCommand({ CallbackToken: 'short' }));

    // Assess
    await expect(tooLong).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining("'failureReason'") });
    await expect(malformed).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining("'callbackToken'") });
  });
});

describe('stopping an execution with a callback step', () => {
  it('stays Stopping until the token is answered with success, then ends Stopped', async () => {
    // Prepare
    const { arn, first } = await startCallbackRun();
    await harness.sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: STOP_TOKEN }));
    await waitForStepStatus(harness.sagemaker, arn, 'Approve', 'Stopping');

    // Act
    await new Promise((resolve) => setTimeout(resolve, 200)); // 20 simulated seconds
    const beforeAnswer = await executionStatus(harness.sagemaker, arn);
    await harness.sagemaker.send(new SendPipelineExecutionStepSuccessCommand({ CallbackToken: first.token }));
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');

    // Assess
    expect(beforeAnswer).toBe('Stopping');
    expect((await stepNamed(harness.sagemaker, arn, 'Approve'))?.StepStatus).toBe('Stopped');
  });

  it('ends Stopped as well when the token is answered with failure', async () => {
    // Prepare
    const { arn, first } = await startCallbackRun();
    await harness.sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: STOP_TOKEN }));

    // Act
    await harness.sagemaker.send(
      new SendPipelineExecutionStepFailureCommand({ CallbackToken: first.token, FailureReason: 'released by graceful stop' }),
    );
    const described = await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');

    // Assess
    expect(described.FailureReason).toBeUndefined();
    expect(await stepNamed(harness.sagemaker, arn, 'Approve')).toMatchObject({
      StepStatus: 'Stopped',
      FailureReason: 'released by graceful stop',
    });
  });
});

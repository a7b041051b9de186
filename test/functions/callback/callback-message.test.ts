import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  SageMakerClient,
  SendPipelineExecutionStepFailureCommand,
  SendPipelineExecutionStepSuccessCommand,
} from '@aws-sdk/client-sagemaker';
import {
  MAX_ERROR_MESSAGE_LENGTH,
  MAX_FAILURE_REASON_LENGTH,
  MalformedCallbackMessage,
  isStopping,
  parseCallbackMessage,
  redactToken,
  type CallbackMessage,
} from '#callback/callback-message.js';
import { acknowledgeStop, stopFailureReason, succeedCallbackStep } from '#callback/callback-answers.js';
import { InvalidInput } from '#commons/errors.js';
import { logger } from '#commons/logger.js';
import { deriveClientRequestToken } from '#commons/tokens.js';
import { captureLogs } from '#test/support/log-capture.js';

const sagemaker = mockClient(SageMakerClient);
const TOKEN = 'AbC123xYz9';
const MASKED = '***Yz9';
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/demo/execution/abc123def456';

const body = (fields: Record<string, unknown>): string =>
  JSON.stringify({ token: TOKEN, pipelineExecutionArn: ARN, arguments: { epochs: '3' }, status: 'Stopping', ...fields });
const without = (key: string): string => {
  const fields: Record<string, unknown> = { token: TOKEN, pipelineExecutionArn: ARN, arguments: {}, status: 'Stopping' };
  delete fields[key];
  return JSON.stringify(fields);
};
const sdkError = (name: string, message: string): Error => Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });
const stopping: CallbackMessage = { token: TOKEN, pipelineExecutionArn: ARN, arguments: {}, status: 'Stopping' };
const executing: CallbackMessage = { ...stopping, status: 'Executing' };

/** Parses a body that must be rejected and returns the error; the expect fails the test when nothing is thrown. */
function rejection(raw: string): MalformedCallbackMessage {
  const thrown = ((): unknown => {
    try {
      parseCallbackMessage(raw);
    } catch (error) {
      return error;
    }
    return undefined;
  })();
  expect(thrown).toBeInstanceOf(MalformedCallbackMessage);
  return thrown as MalformedCallbackMessage;
}

describe('parseCallbackMessage', () => {
  it('parses a Stopping message with its four lowercase fields', () => {
    // Prepare
    const raw = body({});
    // Act
    const message = parseCallbackMessage(raw);
    // Assess
    expect(message).toEqual({ token: TOKEN, pipelineExecutionArn: ARN, arguments: { epochs: '3' }, status: 'Stopping' });
  });

  it('parses an Executing message with empty arguments', () => {
    // Prepare
    const raw = body({ status: 'Executing', arguments: {} });
    // Act
    const message = parseCallbackMessage(raw);
    // Assess
    expect(message.status).toBe('Executing');
    expect(message.arguments).toEqual({});
  });

  it('ignores unknown extra keys by default and leaves them out of the result', () => {
    // Prepare
    const raw = body({ futureField: 'added by SageMaker one day' });
    // Act
    const message = parseCallbackMessage(raw);
    // Assess
    expect(Object.keys(message).sort()).toEqual(['arguments', 'pipelineExecutionArn', 'status', 'token']);
  });

  it('rejects unknown extra keys when asked to', () => {
    // Prepare
    const raw = body({ futureField: 1 });
    // Act
    const act = () => parseCallbackMessage(raw, { unknownKeys: 'reject' });
    // Assess
    expect(act).toThrow(/unknown key\(s\) "futureField"; expected only token, pipelineExecutionArn, arguments, status/);
  });

  const malformed: Array<[string, string, string, RegExp]> = [
    ['a body that is not JSON', 'token=AbC123xYz9&status=Stopping', 'body', /not valid JSON; expected a JSON object/],
    ['a JSON array', JSON.stringify([{ token: TOKEN }]), 'body', /is an array; expected a JSON object/],
    ['a JSON string', JSON.stringify('Stopping'), 'body', /is "Stopping"; expected a JSON object/],
    ['JSON null', 'null', 'body', /is null; expected a JSON object/],
    ['no token', without('token'), 'token', /has no token/],
    ['a 9-character token', body({ token: 'AbC123xYz' }), 'token', /9 characters long; expected 10 letters and digits/],
    ['an 11-character token', body({ token: `${TOKEN}Q` }), 'token', /11 characters long; expected 10 letters and digits/],
    ['a token with other characters', body({ token: 'AbC-23_Yz9' }), 'token', /characters other than letters and digits/],
    ['a numeric token', body({ token: 1234567890 }), 'token', /token is number 1234567890; expected a string/],
    [
      'an uppercase Token key',
      JSON.stringify({ Token: TOKEN, pipelineExecutionArn: ARN, arguments: {}, status: 'Stopping' }),
      'body',
      /"Token" in the wrong case/,
    ],
    ['an uppercase Token next to token', body({ Token: TOKEN }), 'body', /"Token" in the wrong case/],
    [
      'a PascalCase PipelineExecutionArn key',
      JSON.stringify({ token: TOKEN, PipelineExecutionArn: ARN, arguments: {}, status: 'Stopping' }),
      'body',
      /"PipelineExecutionArn" in the wrong case/,
    ],
    ['no pipelineExecutionArn', without('pipelineExecutionArn'), 'pipelineExecutionArn', /has no pipelineExecutionArn/],
    [
      'a pipeline ARN without an execution',
      body({ pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/demo' }),
      'pipelineExecutionArn',
      /pipeline ARN without an execution/,
    ],
    [
      'an ARN of another service',
      body({ pipelineExecutionArn: 'arn:aws:sqs:us-east-1:123456789012:queue' }),
      'pipelineExecutionArn',
      /service "sqs", not sagemaker/,
    ],
    ['an ARN that is not an ARN', body({ pipelineExecutionArn: 'demo/abc123' }), 'pipelineExecutionArn', /is not an ARN/],
    ['no status', without('status'), 'status', /has no status/],
    ['status Stopped', body({ status: 'Stopped' }), 'status', /status is "Stopped"; expected "Executing" or "Stopping"/],
    ['a lowercase status', body({ status: 'stopping' }), 'status', /status is "stopping"; expected "Executing" or "Stopping"/],
    ['no arguments', without('arguments'), 'arguments', /has no arguments/],
    ['arguments as an array', body({ arguments: ['epochs', '3'] }), 'arguments', /arguments is an array; expected a JSON object/],
    ['arguments as null', body({ arguments: null }), 'arguments', /arguments is null; expected a JSON object/],
    ['arguments as a string', body({ arguments: 'epochs=3' }), 'arguments', /arguments is "epochs=3"; expected a JSON object/],
  ];

  it.each(malformed)('rejects %s, naming the field and what was expected', (_label, raw, field, reason) => {
    // Prepare: the case's body
    // Act
    const error = rejection(raw);
    // Assess
    expect(error.name).toBe('MalformedCallbackMessage');
    expect(error).toBeInstanceOf(Error);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(reason);
    expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    expect(error.message).not.toContain(TOKEN);
  });

  it('keeps the error message bounded for a huge body and never echoes it', () => {
    // Prepare
    const raw = `{"token":"${TOKEN}","junk":"${'x'.repeat(600_000)}`;
    // Act
    const error = rejection(raw);
    // Assess
    expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    expect(error.message).toMatch(/\(600\d+ characters\) is not valid JSON/);
    expect(error.message).not.toContain('xxxxxxxxxx');
    expect(error.message).not.toContain(TOKEN);
  });

  it('rejects a body longer than SQS allows before parsing it', () => {
    // Prepare
    const raw = body({ arguments: { blob: 'y'.repeat(1_100_000) } });
    // Act
    const error = rejection(raw);
    // Assess
    expect(error.message).toMatch(/more than SQS's 1048576/);
    expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
  });

  it('describes a huge status value by its length instead of echoing it', () => {
    // Prepare
    const raw = body({ status: 'S'.repeat(50_000) });
    // Act
    const error = rejection(raw);
    // Assess
    expect(error.message).toBe('status is a 50000-character string; expected "Executing" or "Stopping".');
  });

  it('gives the JSON syntax error as cause without the excerpt of the body that V8 quotes', () => {
    // Prepare
    const raw = `{"token":"${TOKEN}", oops}`;
    // Act
    const error = rejection(raw);
    // Assess
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect((error.cause as Error).message).toMatch(/^JSON.parse rejected the body/);
    expect((error.cause as Error).message).not.toContain(TOKEN);
  });

  it('keeps the ARN validation error as cause', () => {
    // Prepare
    const raw = body({ pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/demo' });
    // Act
    const error = rejection(raw);
    // Assess
    expect(error.cause).toBeInstanceOf(InvalidInput);
  });
});

describe('isStopping', () => {
  it('is true for a Stopping message and false for an Executing one', () => {
    // Prepare: the two messages
    // Act
    const answers = [isStopping(stopping), isStopping(executing)];
    // Assess
    expect(answers).toEqual([true, false]);
  });
});

describe('stopFailureReason', () => {
  it('is at most 256 characters however long the reason is', () => {
    // Prepare
    const reason = 'r'.repeat(1_000);
    // Act
    const text = stopFailureReason(reason);
    // Assess
    expect(text.length).toBe(MAX_FAILURE_REASON_LENGTH);
    expect(text.endsWith('…')).toBe(true);
    expect(text).toMatch(/^Stopped: the consumer acknowledged the Stopping message/);
  });
});

describe('redactToken', () => {
  it('masks every occurrence of the token in a text', () => {
    // Prepare
    const text = `token ${TOKEN} is closed (${TOKEN})`;
    // Act
    const redacted = redactToken(text, TOKEN);
    // Assess
    expect(redacted).toBe(`token ${MASKED} is closed (${MASKED})`);
  });
});

describe('acknowledgeStop', () => {
  beforeEach(() => sagemaker.reset());

  it('sends SendPipelineExecutionStepFailure with the token, a bounded reason and a token-derived ClientRequestToken', async () => {
    // Prepare
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    // Act
    const result = await acknowledgeStop(stopping, { sagemaker: new SageMakerClient({}), reason: 'q'.repeat(500) });
    // Assess
    expect(result).toBe('Acknowledged');
    const calls = sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.CallbackToken).toBe(TOKEN);
    expect(input.FailureReason!.length).toBeLessThanOrEqual(MAX_FAILURE_REASON_LENGTH);
    expect(input.ClientRequestToken).toBe(deriveClientRequestToken(TOKEN, 'consumer-stop-ack'));
    expect(input.ClientRequestToken).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sends the same ClientRequestToken for the same token every time, and another one for another token', async () => {
    // Prepare
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    const client = new SageMakerClient({});
    // Act
    await acknowledgeStop(stopping, { sagemaker: client });
    await acknowledgeStop(stopping, { sagemaker: client });
    await acknowledgeStop({ ...stopping, token: 'Zz9Yy8Xx7W' }, { sagemaker: client });
    // Assess
    const tokens = sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand).map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  it('runs the cleanup hook before the failure call', async () => {
    // Prepare
    const order: string[] = [];
    sagemaker.on(SendPipelineExecutionStepFailureCommand).callsFake(() => {
      order.push('SendPipelineExecutionStepFailure');
      return {};
    });
    const cleanup = async (message: CallbackMessage): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`cleanup ${message.status}`);
    };
    // Act
    await acknowledgeStop(stopping, { sagemaker: new SageMakerClient({}), cleanup });
    // Assess
    expect(order).toEqual(['cleanup Stopping', 'SendPipelineExecutionStepFailure']);
  });

  it('does not acknowledge when the cleanup hook throws, and passes its error on', async () => {
    // Prepare
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    const cleanup = (): Promise<void> => Promise.reject(new Error('could not cancel the training job'));
    // Act
    const act = acknowledgeStop(stopping, { sagemaker: new SageMakerClient({}), cleanup });
    // Assess
    await expect(act).rejects.toThrow('could not cancel the training job');
    expect(sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand)).toHaveLength(0);
  });

  it.each(['ValidationException', 'ConflictException', 'ResourceNotFound'])(
    'returns AlreadyClosed when SageMaker answers %s for a closed token',
    async (name) => {
      // Prepare
      sagemaker.on(SendPipelineExecutionStepFailureCommand).rejects(sdkError(name, 'The callback token is closed.'));
      // Act
      const result = await acknowledgeStop(stopping, { sagemaker: new SageMakerClient({}) });
      // Assess
      expect(result).toBe('AlreadyClosed');
    },
  );

  it('passes other SageMaker errors on', async () => {
    // Prepare
    sagemaker.on(SendPipelineExecutionStepFailureCommand).rejects(sdkError('ThrottlingException', 'Rate exceeded'));
    // Act
    const act = acknowledgeStop(stopping, { sagemaker: new SageMakerClient({}) });
    // Assess
    await expect(act).rejects.toThrow('Rate exceeded');
  });

  it('refuses an Executing message without calling SageMaker', async () => {
    // Prepare
    sagemaker.on(SendPipelineExecutionStepFailureCommand).resolves({});
    // Act
    const act = acknowledgeStop(executing, { sagemaker: new SageMakerClient({}) });
    // Assess
    await expect(act).rejects.toThrow(/expects a Stopping message; this one is "Executing"/);
    expect(sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand)).toHaveLength(0);
  });

  describe('logging', () => {
    beforeEach(() => logger.setLogLevel('DEBUG'));
    afterEach(() => logger.setLogLevel('WARN'));

    it('logs a closed token masked, even when SageMaker quotes the token in its message', async () => {
      // Prepare
      sagemaker
        .on(SendPipelineExecutionStepFailureCommand)
        .rejects(sdkError('ValidationException', `Callback token ${TOKEN} is not open.`));
      // Act
      const logs = await captureLogs(() => acknowledgeStop(stopping, { sagemaker: new SageMakerClient({}) }));
      // Assess
      expect(logs).toContain('already closed');
      expect(logs).toContain(MASKED);
      expect(logs).not.toContain(TOKEN);
    });
  });
});

describe('succeedCallbackStep', () => {
  beforeEach(() => sagemaker.reset());

  it('sends SendPipelineExecutionStepSuccess with a token-derived ClientRequestToken', async () => {
    // Prepare
    sagemaker.on(SendPipelineExecutionStepSuccessCommand).resolves({});
    // Act
    const result = await succeedCallbackStep(executing, { sagemaker: new SageMakerClient({}) });
    // Assess
    expect(result).toBe('Acknowledged');
    const input = sagemaker.commandCalls(SendPipelineExecutionStepSuccessCommand)[0]!.args[0].input;
    expect(input).toEqual({ CallbackToken: TOKEN, ClientRequestToken: deriveClientRequestToken(TOKEN, 'consumer-success') });
  });

  it('returns AlreadyClosed for a closed token', async () => {
    // Prepare
    sagemaker.on(SendPipelineExecutionStepSuccessCommand).rejects(sdkError('ConflictException', 'closed'));
    // Act
    const result = await succeedCallbackStep(executing, { sagemaker: new SageMakerClient({}) });
    // Assess
    expect(result).toBe('AlreadyClosed');
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  SageMakerClient,
  SendPipelineExecutionStepFailureCommand,
  SendPipelineExecutionStepSuccessCommand,
  type SendPipelineExecutionStepFailureCommandInput,
} from '@aws-sdk/client-sagemaker';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { handler } from '#callback/callback-consumer.js';
import {
  createAcknowledgementLedger,
  processCallbackBatch,
  readConsumerConfig,
  type ConsumerDependencies,
} from '#callback/callback-consumer.logic.js';
import type { CleanupHook } from '#callback/callback-answers.js';
import { ConfigurationError } from '#commons/errors.js';
import { logger } from '#commons/logger.js';
import { captureLogs } from '#test/support/log-capture.js';

const sagemaker = mockClient(SageMakerClient);
const TOKEN = 'AbC123xYz9';
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/demo/execution/abc123def456';

let nextId = 0;
/** The handler's module-scope ledger remembers answered tokens (a warm container): handler tests use fresh ones. */
let nextToken = 0;
const freshToken = (): string => `Fresh${String((nextToken += 1)).padStart(5, '0')}`;
function record(body: string, messageId = `m-${(nextId += 1)}`): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'sagemaker', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:callbacks',
    awsRegion: 'us-east-1',
  };
}
const message = (status: 'Executing' | 'Stopping', token = TOKEN): string =>
  JSON.stringify({ token, pipelineExecutionArn: ARN, arguments: { epochs: '3' }, status });
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const context = { functionName: 'callback-consumer', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const sdkError = (name: string, text: string): Error => Object.assign(new Error(text), { name, $fault: 'client', $metadata: {} });

function deps(overrides: Partial<ConsumerDependencies> = {}): ConsumerDependencies {
  return {
    sagemaker: new SageMakerClient({}),
    config: { executingAction: 'ignore' },
    logger,
    ledger: createAcknowledgementLedger(),
    ...overrides,
  };
}

/**
 * SageMaker's behaviour for callback answers: the first answer closes the
 * token (one effect); the same ClientRequestToken again is an idempotent
 * replay; a different one on a closed token is a ValidationException.
 */
function fakeCallbackAnswers(): { effects: () => number } {
  const closedWith = new Map<string, string>();
  let effects = 0;
  const answer = (input: { CallbackToken?: string; ClientRequestToken?: string }) => {
    const token = input.CallbackToken ?? '';
    const previous = closedWith.get(token);
    if (previous === undefined) {
      closedWith.set(token, input.ClientRequestToken ?? '');
      effects += 1;
      return { PipelineExecutionArn: ARN };
    }
    if (previous === input.ClientRequestToken) return { PipelineExecutionArn: ARN };
    throw sdkError('ValidationException', 'The callback token is no longer valid.');
  };
  sagemaker.on(SendPipelineExecutionStepFailureCommand).callsFake(answer);
  sagemaker.on(SendPipelineExecutionStepSuccessCommand).callsFake(answer);
  return { effects: () => effects };
}

describe('readConsumerConfig', () => {
  it('defaults EXECUTING_ACTION to ignore', () => {
    // Prepare
    const env = {};
    // Act
    const config = readConsumerConfig(env);
    // Assess
    expect(config).toEqual({ executingAction: 'ignore' });
  });

  it('accepts succeed', () => {
    // Prepare
    const env = { EXECUTING_ACTION: 'succeed' };
    // Act
    const config = readConsumerConfig(env);
    // Assess
    expect(config).toEqual({ executingAction: 'succeed' });
  });

  it('rejects another action with a ConfigurationError', () => {
    // Prepare
    const env = { EXECUTING_ACTION: 'fail' };
    // Act
    const act = () => readConsumerConfig(env);
    // Assess
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(/EXECUTING_ACTION is "fail"; expected ignore or succeed/);
  });
});

describe('callback-consumer handler', () => {
  beforeEach(() => sagemaker.reset());

  it('acknowledges a Stopping message with SendPipelineExecutionStepFailure and reports no failure', async () => {
    // Prepare
    const sageMaker = fakeCallbackAnswers();
    const token = freshToken();
    // Act
    const response = await handler(batch(record(message('Stopping', token))), context);
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sageMaker.effects()).toBe(1);
    const input = sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand)[0]!.args[0].input;
    expect(input.CallbackToken).toBe(token);
    expect(input.FailureReason!.length).toBeLessThanOrEqual(256);
  });

  it('consumes an Executing message without calling SageMaker (EXECUTING_ACTION unset: ignore)', async () => {
    // Prepare
    fakeCallbackAnswers();
    // Act
    const response = await handler(batch(record(message('Executing'))), context);
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sagemaker.calls()).toHaveLength(0);
  });

  it('fails a malformed record while the good records of the same batch succeed', async () => {
    // Prepare
    const sageMaker = fakeCallbackAnswers();
    const good = record(message('Stopping', freshToken()));
    const executing = record(message('Executing', freshToken()));
    const bad = record('{"Token": "AbC123xYz9", "status": "Stopping"}');
    // Act
    const response = await handler(batch(good, bad, executing), context);
    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(sageMaker.effects()).toBe(1);
  });

  it('lists every record when the whole batch is malformed instead of throwing', async () => {
    // Prepare
    const first = record('not json');
    const second = record('[]');
    // Act
    const response = await handler(batch(first, second), context);
    // Assess
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual([first.messageId, second.messageId].sort());
  });
});

describe('processCallbackBatch', () => {
  beforeEach(() => sagemaker.reset());

  it('acknowledges a Stopping message delivered twice in one batch once, without an error', async () => {
    // Prepare
    const sageMaker = fakeCallbackAnswers();
    const cleanup = vi.fn<CleanupHook>();
    const dependencies = deps({ cleanup });
    // Act
    const response = await processCallbackBatch(batch(record(message('Stopping')), record(message('Stopping'))), dependencies);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sageMaker.effects()).toBe(1);
    expect(sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand)).toHaveLength(1);
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it('acknowledges a Stopping message delivered again in a later batch once, without an error', async () => {
    // Prepare
    const sageMaker = fakeCallbackAnswers();
    const dependencies = deps();
    // Act
    const first = await processCallbackBatch(batch(record(message('Stopping'))), dependencies);
    const second = await processCallbackBatch(batch(record(message('Stopping'))), dependencies);
    // Assess
    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect(sageMaker.effects()).toBe(1);
  });

  it('stays a no-op when the redelivery lands on another container (same ClientRequestToken replayed)', async () => {
    // Prepare
    const sageMaker = fakeCallbackAnswers();
    // Act: two ledgers = two cold containers
    const first = await processCallbackBatch(batch(record(message('Stopping'))), deps());
    const second = await processCallbackBatch(batch(record(message('Stopping'))), deps());
    // Assess
    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect(sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand)).toHaveLength(2);
    const requestTokens = sagemaker
      .commandCalls(SendPipelineExecutionStepFailureCommand)
      .map((call) => (call.args[0].input as SendPipelineExecutionStepFailureCommandInput).ClientRequestToken);
    expect(requestTokens[0]).toBe(requestTokens[1]);
    expect(sageMaker.effects()).toBe(1);
  });

  it('succeeds the record when the graceful stop already released the step (token closed)', async () => {
    // Prepare
    sagemaker
      .on(SendPipelineExecutionStepFailureCommand)
      .rejects(sdkError('ValidationException', 'The callback token is no longer valid.'));
    // Act
    const response = await processCallbackBatch(batch(record(message('Stopping'))), deps());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
  });

  it('runs the cleanup hook before acknowledging', async () => {
    // Prepare
    const order: string[] = [];
    sagemaker.on(SendPipelineExecutionStepFailureCommand).callsFake(() => {
      order.push('acknowledge');
      return {};
    });
    const cleanup: CleanupHook = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('cleanup');
    };
    // Act
    await processCallbackBatch(batch(record(message('Stopping'))), deps({ cleanup }));
    // Assess
    expect(order).toEqual(['cleanup', 'acknowledge']);
  });

  it('fails the record without acknowledging when the cleanup hook throws, and retries on redelivery', async () => {
    // Prepare
    const sageMaker = fakeCallbackAnswers();
    const cleanup = vi.fn<CleanupHook>().mockRejectedValueOnce(new Error('job still running')).mockResolvedValue(undefined);
    const dependencies = deps({ cleanup });
    const delivery = record(message('Stopping'));
    // Act
    const first = await processCallbackBatch(batch(delivery), dependencies);
    const callsAfterFirst = sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand).length;
    const second = await processCallbackBatch(batch(delivery), dependencies);
    // Assess
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: delivery.messageId }]);
    expect(callsAfterFirst).toBe(0);
    expect(second.batchItemFailures).toEqual([]);
    expect(sageMaker.effects()).toBe(1);
  });

  it('fails the record when SageMaker throttles, so SQS redelivers it', async () => {
    // Prepare
    sagemaker.on(SendPipelineExecutionStepFailureCommand).rejects(sdkError('ThrottlingException', 'Rate exceeded'));
    const delivery = record(message('Stopping'));
    // Act
    const response = await processCallbackBatch(batch(delivery), deps());
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: delivery.messageId }]);
  });

  it('answers an Executing message with SendPipelineExecutionStepSuccess once when EXECUTING_ACTION is succeed', async () => {
    // Prepare
    const sageMaker = fakeCallbackAnswers();
    const dependencies = deps({ config: { executingAction: 'succeed' } });
    // Act
    const first = await processCallbackBatch(batch(record(message('Executing')), record(message('Executing'))), dependencies);
    const second = await processCallbackBatch(batch(record(message('Executing'))), deps({ config: { executingAction: 'succeed' } }));
    // Assess
    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect(sageMaker.effects()).toBe(1);
    expect(sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand)).toHaveLength(0);
  });

  it('treats a Stopping message after a succeeded step as already closed', async () => {
    // Prepare
    const sageMaker = fakeCallbackAnswers();
    const dependencies = deps({ config: { executingAction: 'succeed' } });
    // Act
    const response = await processCallbackBatch(batch(record(message('Executing'))), dependencies);
    const stop = await processCallbackBatch(batch(record(message('Stopping'))), dependencies);
    // Assess
    expect([response.batchItemFailures, stop.batchItemFailures]).toEqual([[], []]);
    expect(sageMaker.effects()).toBe(1);
  });
});

describe('callback-consumer logs', () => {
  beforeEach(() => {
    sagemaker.reset();
    // Powertools resets the level to the configured one at each invocation (debug sampling): hold DEBUG here.
    vi.spyOn(logger, 'refreshSampleRateCalculation').mockImplementation(() => undefined);
    logger.setLogLevel('DEBUG');
  });
  afterEach(() => {
    vi.restoreAllMocks();
    logger.setLogLevel('WARN');
  });

  it('never contain a full token, a body or the arguments, across every path', async () => {
    // Prepare
    const closed = freshToken();
    const throttled = freshToken();
    sagemaker
      .on(SendPipelineExecutionStepFailureCommand, { CallbackToken: throttled })
      .rejects(sdkError('ThrottlingException', `Rate exceeded for callback token ${throttled}`))
      .on(SendPipelineExecutionStepFailureCommand, { CallbackToken: closed })
      .rejects(sdkError('ValidationException', `Callback token ${closed} is closed`));
    const malformed = record(`{"token": "${closed}", "status": "Stopping", "arguments": {"secret": "hunter2"}}`);
    const event = batch(
      record(message('Stopping', closed)),
      record(message('Stopping', closed)),
      record(message('Executing', freshToken())),
      record(message('Stopping', throttled)),
      malformed,
    );
    // Act
    const logs = await captureLogs(() => handler(event, context));
    // Assess
    expect(logs).toContain('Malformed callback message');
    expect(logs).toContain('The message has no pipelineExecutionArn');
    expect(logs).toContain('Callback message not processed');
    expect(logs).toContain('already closed');
    expect(logs).toContain('Duplicate delivery');
    expect(logs).toContain('Cleanup hook');
    expect(logs).toContain(`***${closed.slice(-3)}`);
    expect(logs).toContain(`***${throttled.slice(-3)}`);
    expect(logs).not.toContain(closed);
    expect(logs).not.toContain(throttled);
    expect(logs).not.toContain('hunter2');
    expect(logs).not.toContain('epochs');
  });
});

import { afterEach, beforeAll, afterAll, describe, expect, it, vi } from 'vitest';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { queueArnFromUrl, recordsToDelete, toSqsEvent } from '#local/event-source/sqs-event.js';
import { startCallbackPoller, type CallbackPoller } from '#local/event-source/sqs-event-source.js';
import { createQueueWithDeadLetterQueue, createSqsClient, startSqsEmulator, type SqsEmulator } from '#local/sqs/emulator.js';

const records = (...ids: string[]): SQSRecord[] =>
  toSqsEvent(
    ids.map((id) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: '{}' })),
    'arn:aws:sqs:us-east-1:000000000000:q',
  ).Records;

describe('recordsToDelete', () => {
  it('deletes every record when the handler reports no failure or returns nothing', () => {
    // Prepare
    const batch = records('a', 'b');
    // Act
    const deleted = [recordsToDelete(batch, { batchItemFailures: [] }), recordsToDelete(batch, undefined)];
    // Assess
    expect(deleted.map((list) => list.map((record) => record.messageId))).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });

  it('keeps the records listed in batchItemFailures', () => {
    // Prepare
    const batch = records('a', 'b', 'c');
    // Act
    const deleted = recordsToDelete(batch, { batchItemFailures: [{ itemIdentifier: 'b' }] });
    // Assess
    expect(deleted.map((record) => record.messageId)).toEqual(['a', 'c']);
  });

  it('keeps the whole batch when an identifier is not in it, as Lambda does', () => {
    // Prepare
    const batch = records('a', 'b');
    // Act
    const deleted = recordsToDelete(batch, { batchItemFailures: [{ itemIdentifier: 'zzz' }] });
    // Assess
    expect(deleted).toEqual([]);
  });
});

describe('toSqsEvent', () => {
  it('builds Lambda-shaped records with attributes, source ARN and region', () => {
    // Prepare
    const message = { MessageId: 'm1', ReceiptHandle: 'rh', Body: 'hello', MD5OfBody: 'md5', Attributes: { ApproximateReceiveCount: '2' } };
    // Act
    const [record] = toSqsEvent([message], 'arn:aws:sqs:us-east-1:000000000000:q').Records;
    // Assess
    expect(record).toMatchObject({
      messageId: 'm1',
      receiptHandle: 'rh',
      body: 'hello',
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '2' },
    });
    expect(record?.attributes.SentTimestamp).toMatch(/^\d+$/);
  });
});

describe('queueArnFromUrl', () => {
  it('derives the queue ARN from an emulator URL', () => {
    // Prepare
    const url = 'http://127.0.0.1:4566/000000000000/callbacks';
    // Act
    const arn = queueArnFromUrl(url);
    // Assess
    expect(arn).toBe('arn:aws:sqs:us-east-1:000000000000:callbacks');
  });
});

describe('startCallbackPoller on the SQS emulator', () => {
  let emulator: SqsEmulator;
  let sqs: SQSClient;
  let poller: CallbackPoller | undefined;

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    sqs = createSqsClient(emulator.endpoint);
  });
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });
  afterAll(async () => {
    sqs.destroy();
    await emulator.close();
  });

  const depth = async (queueUrl: string): Promise<number> => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  };

  it('deletes handled records and moves a record that keeps failing to the DLQ after maxReceiveCount, losing nothing', async () => {
    // Prepare
    const { queueUrl, deadLetterQueueUrl } = await createQueueWithDeadLetterQueue(emulator.endpoint, 'poller-redrive', {
      maxReceiveCount: 2,
      visibilityTimeoutSeconds: 1,
    });
    for (const body of ['good-1', 'bad', 'good-2']) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const receiveCounts: string[] = [];
    const handler = vi.fn(async (event: SQSEvent): Promise<SQSBatchResponse> => {
      const bad = event.Records.filter((record) => record.body === 'bad');
      receiveCounts.push(...bad.map((record) => record.attributes.ApproximateReceiveCount));
      return { batchItemFailures: bad.map((record) => ({ itemIdentifier: record.messageId })) };
    });
    // Act
    poller = startCallbackPoller({ sqsEndpoint: emulator.endpoint, queueUrl, handler, visibilityTimeoutSeconds: 1 });
    await vi.waitFor(async () => expect(await depth(deadLetterQueueUrl)).toBe(1), { timeout: 30_000, interval: 100 });
    await poller.stop();
    // Assess
    const stats = poller.stats();
    expect(stats).toMatchObject({ running: false, endedBy: 'stop', deleted: 2, failed: 2, handlerErrors: 0 });
    expect(receiveCounts).toEqual(['1', '2']);
    expect(await depth(queueUrl)).toBe(0);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: deadLetterQueueUrl }));
    expect(Messages?.map((message) => message.Body)).toEqual(['bad']);
    const event = handler.mock.calls[0]![0];
    expect(event.Records[0]?.eventSourceARN).toBe('arn:aws:sqs:us-east-1:000000000000:poller-redrive');
  });

  it('leaves the whole batch when the handler throws', async () => {
    // Prepare
    const { queueUrl } = await createQueueWithDeadLetterQueue(emulator.endpoint, 'poller-throws', { maxReceiveCount: 5 });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }));
    const handler = vi.fn(async (): Promise<SQSBatchResponse> => {
      throw new Error('handler crashed');
    });
    // Act
    poller = startCallbackPoller({ sqsEndpoint: emulator.endpoint, queueUrl, handler, visibilityTimeoutSeconds: 30 });
    await vi.waitFor(() => expect(handler).toHaveBeenCalled(), { timeout: 30_000, interval: 50 });
    await poller.stop();
    // Assess
    expect(poller.stats()).toMatchObject({ handlerErrors: 1, failed: 1, deleted: 0, lastError: 'Error: handler crashed' });
    expect(await depth(queueUrl)).toBe(1);
  });

  it('ends by itself at its deadline, and stop() returns promptly during a long poll', async () => {
    // Prepare
    const { queueUrl } = await createQueueWithDeadLetterQueue(emulator.endpoint, 'poller-bounded');
    const handler = vi.fn(async (): Promise<SQSBatchResponse> => ({ batchItemFailures: [] }));
    const bounded = startCallbackPoller({ sqsEndpoint: emulator.endpoint, queueUrl, handler, waitTimeSeconds: 0, maxRunMilliseconds: 300 });
    poller = startCallbackPoller({ sqsEndpoint: emulator.endpoint, queueUrl, handler, waitTimeSeconds: 20 });
    // Act
    await vi.waitFor(() => expect(bounded.stats().running).toBe(false), { timeout: 30_000, interval: 50 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await poller.stop();
    const stopMs = Date.now() - started;
    await bounded.stop();
    // Assess
    expect(bounded.stats().endedBy).toBe('deadline');
    // Far below the 20 s long poll it interrupts, even on a slow machine.
    expect(stopMs).toBeLessThan(5_000);
    expect(poller.stats()).toMatchObject({ running: false, endedBy: 'stop', receiveErrors: 0 });
  });
});

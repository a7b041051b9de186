import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createQueue, createQueueWithDeadLetterQueue, startSqsEmulator, type SqsEmulator } from '#local/sqs/emulator.js';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

let emulator: SqsEmulator;
let sqs: SQSClient;
beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = new SQSClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: CREDENTIALS });
});
afterAll(async () => {
  sqs.destroy();
  await emulator.close();
});

const receive = (queueUrl: string, visibilityTimeout?: number) =>
  sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: visibilityTimeout }),
  );

describe('SQS emulator', () => {
  it('binds to 127.0.0.1 and gives queue URLs on the address the client used', async () => {
    // Act
    const queueUrl = await createQueue(emulator.endpoint, 'address-check');

    // Assess
    expect(new URL(emulator.endpoint).hostname).toBe('127.0.0.1');
    expect(queueUrl).toBe(`${emulator.endpoint}/000000000000/address-check`);
  });

  it('sends, receives and deletes a message with the plain SDK', async () => {
    // Prepare
    const queueUrl = await createQueue(emulator.endpoint, 'round-trip');

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"hello":"world"}' }));
    const { Messages = [] } = await receive(queueUrl);
    const [message] = Messages;
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message?.ReceiptHandle }));
    const afterDelete = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));

    // Assess
    expect(Messages).toHaveLength(1);
    expect(message?.Body).toBe('{"hello":"world"}');
    expect(afterDelete.Messages).toBeUndefined();
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    // Prepare
    const { queueUrl, deadLetterQueueUrl } = await createQueueWithDeadLetterQueue(emulator.endpoint, 'redrive', {
      maxReceiveCount: 2,
      visibilityTimeoutSeconds: 0,
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison' }));

    // Act
    const first = await receive(queueUrl, 0);
    const second = await receive(queueUrl, 0);
    const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));
    const dead = await receive(deadLetterQueueUrl);

    // Assess
    expect(first.Messages?.[0]?.Body).toBe('poison');
    expect(second.Messages?.[0]?.Body).toBe('poison');
    expect(third.Messages).toBeUndefined();
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
  });

  it('serves a client configured only through AWS_ENDPOINT_URL_SQS', async () => {
    // Prepare
    const queueUrl = await createQueue(emulator.endpoint, 'env-configured');
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', emulator.endpoint);
    const envClient = new SQSClient({ region: 'us-east-1', credentials: CREDENTIALS });
    onTestFinished(() => {
      envClient.destroy();
      vi.unstubAllEnvs();
    });

    // Act
    await envClient.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'via env' }));
    const { Messages } = await envClient.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));

    // Assess
    expect(Messages?.map((m) => m.Body)).toEqual(['via env']);
  });
});

import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { JsonObject } from './types.js';
import { boundedRequestHandler } from '#commons/clients.js';

/** The body SageMaker sends to a callback step's queue (lowercase keys). */
export interface CallbackMessage {
  token: string;
  pipelineExecutionArn: string;
  arguments: JsonObject;
  status: 'Executing' | 'Stopping';
}

export interface CallbackMessageSender {
  send(queueUrl: string, message: CallbackMessage): Promise<void>;
  close(): void;
}

/**
 * Delivers callback messages with the SQS SDK. With `endpoint` every message goes
 * there (the local emulator); without it the SDK decides (AWS_ENDPOINT_URL_SQS, or
 * the queue URL's own host). Dummy credentials: the simulator never signs for real.
 */
export function createSqsCallbackSender(options: { endpoint?: string; region: string }): CallbackMessageSender {
  const client = new SQSClient({
    region: options.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 2,
    requestHandler: boundedRequestHandler(),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  return {
    async send(queueUrl, message) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    },
    close() {
      client.destroy();
    },
  };
}

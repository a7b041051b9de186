import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';

/** Emulators accept any signature; fixed dummy credentials keep real ones out of local runs. */
const DUMMY_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export function createSqsClient(endpoint: string, region = 'us-east-1'): SQSClient {
  return new SQSClient({ ...BOUNDED_CLIENT_OPTIONS, endpoint, region, credentials: DUMMY_CREDENTIALS });
}

/** Creates (or returns the existing) standard queue and gives back its URL. */
export async function createQueue(endpoint: string, name: string, attributes: Record<string, string> = {}): Promise<string> {
  const client = createSqsClient(endpoint);
  try {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!QueueUrl) throw new Error(`CreateQueue returned no QueueUrl for ${name}`);
    return QueueUrl;
  } finally {
    client.destroy();
  }
}

export async function getQueueArn(endpoint: string, queueUrl: string): Promise<string> {
  const client = createSqsClient(endpoint);
  try {
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    const arn = Attributes?.QueueArn;
    if (!arn) throw new Error(`GetQueueAttributes returned no QueueArn for ${queueUrl}`);
    return arn;
  } finally {
    client.destroy();
  }
}

/** A queue plus its dead-letter queue: after `maxReceiveCount` receives a message moves to the DLQ. */
export async function createQueueWithDeadLetterQueue(
  endpoint: string,
  name: string,
  options: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number } = {},
): Promise<{ queueUrl: string; deadLetterQueueUrl: string }> {
  const deadLetterQueueUrl = await createQueue(endpoint, `${name}-dlq`);
  const deadLetterTargetArn = await getQueueArn(endpoint, deadLetterQueueUrl);
  const queueUrl = await createQueue(endpoint, name, {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: options.maxReceiveCount ?? 3 }),
  });
  return { queueUrl, deadLetterQueueUrl };
}

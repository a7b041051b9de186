import { buildApp, type BuildAppOptions } from 'fauxqs';
import { createRequestHostSqsStore } from './fauxqs-store.js';

export { createQueue, createQueueWithDeadLetterQueue, createSqsClient, getQueueArn } from './queues.js';

export interface SqsEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to bind; defaults to loopback so nothing is exposed to the network. */
  host?: string;
}

export interface SqsEmulator {
  /** Base URL for SQS clients, e.g. http://127.0.0.1:41234 */
  endpoint: string;
  close(): Promise<void>;
}

type FastifyApp = ReturnType<typeof buildApp>;
type ErrorHandler = Parameters<FastifyApp['setErrorHandler']>[0];

/**
 * What fauxqs leaves to its web framework - a body that is no JSON, a member of the wrong type -
 * answered as SQS's JSON protocol answers a bad request (400 with `__type`), not as a 500: a bad
 * request is the client's fault, and says which.
 */
const answerSqsFault: ErrorHandler = (thrown, request, reply) => {
  const error = (thrown instanceof Error ? thrown : new Error(String(thrown))) as Error & { statusCode?: unknown };
  const isSqs = String(request.headers['content-type'] ?? '').includes('application/x-amz-json-1.0');
  const status = typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : isSqs ? 400 : 500;
  if (!isSqs) return reply.status(status).send({ error: error.name, message: error.message.slice(0, 300) });
  const type =
    error instanceof SyntaxError || /JSON/.test(error.message)
      ? 'com.amazonaws.sqs#SerializationException'
      : 'com.amazonaws.sqs#InvalidParameterValue';
  return reply
    .status(status)
    .header('content-type', 'application/x-amz-json-1.0')
    .send({ __type: type, message: `The request is malformed: ${error.message.slice(0, 300)}` });
};

/**
 * Starts an in-process SQS emulator (fauxqs) on 127.0.0.1.
 * `startFauxqs()` always binds 0.0.0.0, so the Fastify app is built and bound here.
 */
export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const sqsStore = await createRequestHostSqsStore();
  // fauxqs creates the SNS and S3 stores itself when they are absent; its typings
  // want all three, and only the SQS one needs a different setting.
  const stores = { sqsStore } as unknown as BuildAppOptions['stores'];
  const app = buildApp({ logger: false, stores });
  app.setErrorHandler(answerSqsFault);
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    await app.close();
    throw new Error('SQS emulator did not report a TCP address');
  }
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed = false;
  return {
    endpoint: `http://${urlHost}:${address.port}`,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

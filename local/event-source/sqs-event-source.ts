/**
 * A bounded SQS poller that stands in for the Lambda event-source mapping off
 * AWS (fauxqs has none). It receives a batch, builds the SQSEvent Lambda
 * would build, invokes the handler, deletes the records NOT listed in
 * `batchItemFailures` and leaves the failed ones to become visible again, so
 * SQS redelivers them and, after the queue's maxReceiveCount, moves them to
 * the dead-letter queue. Like Lambda, a handler that throws, or that reports
 * an itemIdentifier outside the batch, fails the whole batch.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { isErrorNamed } from '#commons/errors.js';
import { localLambdaContext } from '#local/engine/lambda-context.js';
import { boundedRequestHandler, REQUEST_TIMEOUT_MS } from '#commons/clients.js';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { queueArnFromUrl, recordsToDelete, toSqsEvent } from './sqs-event.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '#local/account.js';

/** Emulators accept any signature; fixed dummy credentials keep real ones out of local runs. */
const DUMMY_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const REGION = LOCAL_REGION;
/** Pause after a failed ReceiveMessage or an empty short poll, so an error never turns into a busy loop. */
const ERROR_BACKOFF_MS = 250;
const EMPTY_SHORT_POLL_PAUSE_MS = 100;

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface CallbackPollerOptions {
  /** SQS endpoint, e.g. the fauxqs emulator's http://127.0.0.1:PORT */
  sqsEndpoint: string;
  queueUrl: string;
  handler: SqsBatchHandler;
  /** 1–10 (SQS's MaxNumberOfMessages). Default 10, like the template's event source. */
  batchSize?: number;
  /** Long-poll wait, 0–20 s. Default 1 s, so stop() returns quickly. */
  waitTimeSeconds?: number;
  /** Overrides the queue's VisibilityTimeout for received messages (how soon a failed record comes back). */
  visibilityTimeoutSeconds?: number;
  /** Hard bound on receive rounds. Default 100,000. */
  maxIterations?: number;
  /** Hard bound on the poller's life; it stops itself after this. Default 15 minutes. */
  maxRunMilliseconds?: number;
  /** The handler's simulated Lambda timeout, for context.getRemainingTimeInMillis(). Default 30 s. */
  functionTimeoutMilliseconds?: number;
  /** Reported as context.functionName. */
  functionName?: string;
  /** Defaults to the ARN derived from the queue URL (arn:aws:sqs:us-east-1:<account>:<name>). */
  queueArn?: string;
}

export interface CallbackPollerStats {
  running: boolean;
  /** Why the loop ended: stop(), maxIterations, maxRunMilliseconds. */
  endedBy?: 'stop' | 'maxIterations' | 'deadline';
  iterations: number;
  /** ReceiveMessage calls that returned no message. */
  emptyReceives: number;
  /** Handler invocations. */
  batches: number;
  received: number;
  deleted: number;
  /** Records left on the queue for redelivery (listed in batchItemFailures, or the whole batch when the handler threw). */
  failed: number;
  handlerErrors: number;
  receiveErrors: number;
  deleteErrors: number;
  /** Epoch ms of the last handler invocation that ended. */
  lastBatchAt?: number;
  /** Name and message of the last error the poller saw (handler, receive or delete). */
  lastError?: string;
}

export interface CallbackPoller {
  /** Stops receiving, lets a batch in progress finish (and its deletes), then resolves. Idempotent. */
  stop(): Promise<void>;
  stats(): CallbackPollerStats;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error).slice(0, 500);
}

function isAbort(error: unknown): boolean {
  return isErrorNamed(error, 'AbortError', 'AbortedError');
}

/** Sleeps, or returns early when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function bounded(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} is ${value}; expected an integer from ${min} to ${max}.`);
  }
  return value;
}

/** Starts polling at once; call stop() when done (tests: in afterEach). */
export function startCallbackPoller(options: CallbackPollerOptions): CallbackPoller {
  const batchSize = bounded('batchSize', options.batchSize ?? 10, 1, 10);
  const waitTimeSeconds = bounded('waitTimeSeconds', options.waitTimeSeconds ?? 1, 0, 20);
  const visibilityTimeoutSeconds =
    options.visibilityTimeoutSeconds === undefined
      ? undefined
      : bounded('visibilityTimeoutSeconds', options.visibilityTimeoutSeconds, 0, 43_200);
  const maxIterations = bounded('maxIterations', options.maxIterations ?? 100_000, 1, 10_000_000);
  const deadline = Date.now() + bounded('maxRunMilliseconds', options.maxRunMilliseconds ?? 15 * 60_000, 1, 24 * 3_600_000);
  const functionName = options.functionName ?? 'callback-consumer-local';
  const timeoutMs = options.functionTimeoutMilliseconds ?? 30_000;
  const queueArn = options.queueArn ?? queueArnFromUrl(options.queueUrl);

  // A long poll answers after up to waitTimeSeconds: the request timeout starts above it.
  const client = new SQSClient({
    endpoint: options.sqsEndpoint,
    region: REGION,
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 2,
    requestHandler: boundedRequestHandler(waitTimeSeconds * 1000 + REQUEST_TIMEOUT_MS),
  });
  const abort = new AbortController();
  const stats: CallbackPollerStats = {
    running: true,
    iterations: 0,
    emptyReceives: 0,
    batches: 0,
    received: 0,
    deleted: 0,
    failed: 0,
    handlerErrors: 0,
    receiveErrors: 0,
    deleteErrors: 0,
  };

  async function receive(): Promise<Message[] | undefined> {
    try {
      const response = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: batchSize,
          WaitTimeSeconds: waitTimeSeconds,
          ...(visibilityTimeoutSeconds === undefined ? {} : { VisibilityTimeout: visibilityTimeoutSeconds }),
          AttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: abort.signal },
      );
      return response.Messages ?? [];
    } catch (error) {
      if (abort.signal.aborted || isAbort(error)) return undefined;
      stats.receiveErrors += 1;
      stats.lastError = errorText(error);
      await pause(ERROR_BACKOFF_MS, abort.signal);
      return [];
    }
  }

  async function deleteRecords(records: SQSRecord[]): Promise<void> {
    // Not aborted by stop(): the handler's work is done, the deletes must land.
    if (records.length === 0) return;
    try {
      const response = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: records.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      const failed = response.Failed?.length ?? 0;
      stats.deleted += records.length - failed;
      if (failed > 0) {
        stats.deleteErrors += failed;
        stats.lastError = `DeleteMessageBatch: ${response.Failed?.[0]?.Code ?? 'unknown'} ${response.Failed?.[0]?.Message ?? ''}`.trim();
      }
    } catch (error) {
      stats.deleteErrors += records.length;
      stats.lastError = errorText(error);
    }
  }

  async function invoke(messages: Message[]): Promise<void> {
    const event = toSqsEvent(messages, queueArn);
    stats.batches += 1;
    stats.received += event.Records.length;
    let toDelete: SQSRecord[];
    try {
      const response = await options.handler(
        event,
        localLambdaContext(`arn:aws:lambda:${REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`, timeoutMs),
      );
      toDelete = recordsToDelete(event.Records, response);
    } catch (error) {
      stats.handlerErrors += 1;
      stats.lastError = errorText(error);
      toDelete = [];
    }
    stats.failed += event.Records.length - toDelete.length;
    await deleteRecords(toDelete);
    stats.lastBatchAt = Date.now();
  }

  async function loop(): Promise<void> {
    for (;;) {
      if (abort.signal.aborted) {
        stats.endedBy = 'stop';
        return;
      }
      if (stats.iterations >= maxIterations) {
        stats.endedBy = 'maxIterations';
        return;
      }
      if (Date.now() >= deadline) {
        stats.endedBy = 'deadline';
        return;
      }
      stats.iterations += 1;
      const messages = await receive();
      if (messages === undefined) continue; // aborted: the next round ends the loop
      if (messages.length === 0) {
        stats.emptyReceives += 1;
        if (waitTimeSeconds === 0) await pause(EMPTY_SHORT_POLL_PAUSE_MS, abort.signal);
        continue;
      }
      await invoke(messages);
    }
  }

  const done = loop().finally(() => {
    stats.running = false;
    client.destroy();
  });

  return {
    async stop() {
      abort.abort();
      await done;
    },
    stats: () => ({ ...stats }),
  };
}

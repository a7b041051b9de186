/**
 * Issue 4, end to end: the reference callback consumer (the BUILT bundle
 * dist/functions/callback-consumer.mjs, behind the SQS poller that stands in
 * for the Lambda event-source mapping) on real queues of the SQS emulator:
 * duplicate deliveries of the Stopping message, malformed messages and the
 * dead-letter queue. Simulated time runs 20× faster.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Context } from 'aws-lambda';
import { callbackStep, startTestBed, type TestBed } from './support/bed.js';
import { expectSucceeded, statsDelta } from './support/expectations.js';
import { waitFor } from './support/wait.js';

const TIME_SCALE = 20;
const CALLBACK = 'AwaitApproval';
let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed({ timeScale: TIME_SCALE });
});
afterEach(async () => {
  await bed.stopConsumers();
});
afterAll(async () => {
  await bed?.close();
});

const statusOf = (body: string): string | undefined => {
  try {
    return (JSON.parse(body) as { status?: string }).status;
  } catch {
    return undefined;
  }
};

describe('Reference callback consumer, duplicate delivery', () => {
  it('acknowledges a Stopping message delivered twice exactly once, without an error', async () => {
    // Prepare: the queue delivers every Stopping message twice — the consumer's wrapper
    // sends a copy of the real body (as SQS's at-least-once delivery may) before handling it.
    const { queueUrl, deadLetterQueueUrl } = await bed.callbackQueue('duplicate');
    const copies: string[] = [];
    const poller = bed.consume(queueUrl, async (event: SQSEvent, context: Context) => {
      for (const record of event.Records) {
        if (statusOf(record.body) === 'Stopping' && copies.length === 0) {
          copies.push(record.body);
          await bed.send(queueUrl, record.body);
        }
      }
      return (await bed.referenceConsumer(event, context)) as SQSBatchResponse;
    });
    const arn = await bed.startExecution('duplicate', [callbackStep(CALLBACK, queueUrl)]);
    await bed.waitForSteps(arn, [CALLBACK]);
    await waitFor('the Executing message to be consumed', () => poller.stats().deleted, (deleted) => deleted >= 1);
    const before = bed.stack.simulator.stats();

    // Act
    const result = await bed.run({ pipelineExecutionArn: arn, maxWaitSeconds: 120 });
    await waitFor('the duplicate to be consumed', () => poller.stats().deleted, (deleted) => deleted >= 3, { timeoutMs: 10_000 });

    // Assess
    expect(expectSucceeded(result)).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped', releasedCallbackSteps: [] });
    expect(copies).toHaveLength(1);
    expect(JSON.parse(copies[0] ?? '{}')).toMatchObject({ status: 'Stopping', pipelineExecutionArn: arn });
    // Executing, Stopping and its copy: all three consumed, none failed, SageMaker answered once.
    expect(poller.stats()).toMatchObject({ received: 3, deleted: 3, failed: 0, handlerErrors: 0, deleteErrors: 0 });
    const delta = statsDelta(before, bed.stack.simulator.stats());
    expect(delta.calls.SendPipelineExecutionStepFailure).toBe(1);
    expect(delta.errors).toEqual({});
    expect(await bed.queueCounts(queueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(await bed.queueCounts(deadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});

describe('Reference callback consumer, malformed messages', () => {
  it('sends malformed messages to the dead-letter queue after the redrive count, losing none, while the good ones are processed', async () => {
    // Prepare
    const maxReceiveCount = 2;
    const { queueUrl, deadLetterQueueUrl } = await bed.callbackQueue('malformed', { maxReceiveCount });
    const malformed = [
      'not json',
      JSON.stringify({
        token: 'bad-token!',
        pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/e2e-malformed/execution/0a1b2c3d4e5f',
        arguments: {},
        status: 'Stopping',
      }),
    ];
    for (const body of malformed) await bed.send(queueUrl, body);
    // A failed record becomes visible again after 1 s.
    const poller = bed.consume(queueUrl, bed.referenceConsumer, { visibilityTimeoutSeconds: 1 });
    const arn = await bed.startExecution('malformed', [callbackStep(CALLBACK, queueUrl)]);
    await bed.waitForSteps(arn, [CALLBACK]);
    await waitFor('the Executing message to be consumed', () => poller.stats().deleted, (deleted) => deleted >= 1);
    const before = bed.stack.simulator.stats();

    // Act
    const result = await bed.run({ pipelineExecutionArn: arn, maxWaitSeconds: 300 });
    const deadLetters = await waitFor(
      'both malformed messages in the dead-letter queue',
      () => bed.queueCounts(deadLetterQueueUrl),
      (counts) => counts.visible >= malformed.length,
      { timeoutMs: 10_000, intervalMs: 100 },
    );

    // Assess
    // The good messages (Executing, then Stopping) were processed: the consumer stopped the run.
    expect(expectSucceeded(result)).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped', releasedCallbackSteps: [] });
    expect(statsDelta(before, bed.stack.simulator.stats()).calls.SendPipelineExecutionStepFailure).toBe(1);
    // Nothing lost: the two malformed bodies are in the DLQ, unchanged; the source queue is empty.
    expect(deadLetters).toEqual({ visible: malformed.length, inFlight: 0, delayed: 0 });
    const inDeadLetterQueue = await bed.peek(deadLetterQueueUrl, malformed.length);
    expect(inDeadLetterQueue.map((message) => message.Body).sort()).toEqual([...malformed].sort());
    for (const message of inDeadLetterQueue) expect(Number(message.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(maxReceiveCount);
    expect(await bed.queueCounts(queueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    // Each malformed message failed once per receive, up to the redrive count; the two good ones were deleted.
    expect(poller.stats()).toMatchObject({ deleted: 2, failed: malformed.length * maxReceiveCount, handlerErrors: 0 });
  });
});

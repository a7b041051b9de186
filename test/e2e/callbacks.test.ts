/**
 * Callback steps end to end, on the simulator + SQS emulator + embedded engine with
 * the built bundles:
 * - force-releasing callback steps whose consumer ignores "Stopping";
 * - the reference callback consumer (the BUILT bundle
 *   dist/functions/callback-consumer.mjs, behind the SQS poller that stands in
 *   for the Lambda event-source mapping) on real queues: duplicate deliveries
 *   of the Stopping message, malformed messages and the dead-letter queue.
 * Simulated time runs 20× faster (simulator, handler clock and Wait states alike).
 */
import { describe, expect, it } from 'vitest';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { callbackStep, silentConsumer, useTestCloud } from '#test/support/test-cloud.js';
import { LAST_CHECK, ROUND, START, expectFailed, expectSucceeded, ended, statsDelta } from '#test/support/expectations.js';
import { S, failedReport, shapeOf, timesEntered } from '#test/support/run-path.js';
import { waitFor } from '#local/bounded.js';

const TIME_SCALE = 20;
const CALLBACK = 'AwaitApproval';
const testBed = useTestCloud({ timeScale: TIME_SCALE });

/** The callback token SageMaker gave the step, read with a plain SDK client. */
async function realToken(arn: string): Promise<string> {
  const step = (await testBed().steps(arn)).find((candidate) => candidate.StepName === CALLBACK);
  const token = step?.Metadata?.Callback?.CallbackToken;
  if (!token) throw new Error(`Step ${CALLBACK} has no callback token yet.`);
  return token;
}

/** An execution whose callback step runs, with `consumer` on its queue; returns once the Executing message was consumed. */
async function callbackExecution(label: string, consumer: 'silent' | 'reference') {
  const { queueUrl } = await testBed().callbackQueue(label);
  const silent = silentConsumer();
  const poller = testBed().consume(queueUrl, consumer === 'silent' ? silent.handler : testBed().referenceConsumer);
  const arn = await testBed().startExecution(label, [callbackStep(CALLBACK, queueUrl)]);
  await testBed().waitForSteps(arn, [CALLBACK]);
  await waitFor(
    'the Executing message to be consumed',
    () => poller.stats().deleted,
    (deleted) => deleted >= 1,
  );
  return { arn, queueUrl, poller, seen: silent.seen, token: await realToken(arn) };
}

describe('Release Callback Steps, consumer silent on "Stopping"', () => {
  it('releases the callback step after the grace period and ends Stopped, listing the step with a masked token', async () => {
    // Prepare
    const grace = 10;
    const { arn, token, seen } = await callbackExecution('silent', 'silent');
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({
      pipelineExecutionArn: arn,
      reason: 'e2e: cost alarm',
      maxWaitSeconds: 120,
      releaseCallbacksAfterSeconds: grace,
    });

    // Assess
    const output = expectSucceeded(result);
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped' });
    expect(output.releasedCallbackSteps).toEqual([
      { stepName: CALLBACK, releasedAt: expect.any(String), callbackToken: `***${token.slice(-3)}`, result: 'Released' },
    ]);
    expect(output.steps).toEqual([expect.objectContaining({ name: CALLBACK, type: 'Callback', status: 'Stopped' })]);
    // Never the full token: not in the output, and not anywhere in the execution history either.
    expect(JSON.stringify(output)).not.toContain(token);
    expect(JSON.stringify(result.events)).not.toContain(token);
    // Released only after the grace period (simulated seconds = real seconds × K).
    const [released] = output.releasedCallbackSteps;
    const graceRealMs = (grace * 1000) / TIME_SCALE;
    expect(Date.parse(released?.releasedAt ?? '') - Date.parse(output.stopRequestedAt ?? '')).toBeGreaterThanOrEqual(graceRealMs);
    expect(output.waitedSeconds).toBeGreaterThanOrEqual(grace);
    // Wait out the grace (in polls, or within the first check on a busy machine), release, then (maybe after more rounds) see the run Stopped.
    expect([
      [...START, ...ROUND, ...LAST_CHECK, S.release, ...LAST_CHECK, ...ended(S.succeeded)],
      [...START, ...ROUND, ...LAST_CHECK, S.release, ...ROUND, ...LAST_CHECK, ...ended(S.succeeded)],
      [...START, ...LAST_CHECK, S.release, ...LAST_CHECK, ...ended(S.succeeded)],
      [...START, ...LAST_CHECK, S.release, ...ROUND, ...LAST_CHECK, ...ended(S.succeeded)],
    ]).toContainEqual(shapeOf(result));
    expect(timesEntered(result, S.release)).toBe(1);
    // The consumer did get the Stopping message, and ignored it: the release is the one answer SageMaker saw.
    expect(seen).toEqual(['Executing', 'Stopping']);
    const delta = statsDelta(before, testBed().emulators.simulator.stats());
    expect(delta.calls.SendPipelineExecutionStepFailure).toBe(1);
    expect(delta.errors).toEqual({});
    const [step] = await testBed().steps(arn);
    expect(step?.FailureReason).toMatch(
      /^Released by graceful stop after 10 s without an answer to the Stopping message: e2e: cost alarm$/,
    );
  });

  it('fails with DrainTimedOut naming the callback step when no grace period is given', async () => {
    // Prepare
    const { arn, token, seen } = await callbackExecution('no-grace', 'silent');
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 15 });

    // Assess
    const cause = expectFailed(result, S.drainTimedOut, 'DrainTimedOut');
    expect(cause).toMatch(new RegExp(`still draining: Callback step '${CALLBACK}' \\(Stopping for \\d+ s\\)\\.`));
    expect(cause).not.toContain(token);
    expect(timesEntered(result, S.release)).toBe(0);
    expect(failedReport(result, S.drainTimedOut).document.releasedCallbackSteps).toEqual([]);
    expect(seen).toEqual(['Executing', 'Stopping']);
    expect(statsDelta(before, testBed().emulators.simulator.stats()).calls.SendPipelineExecutionStepFailure).toBeUndefined();
    expect((await testBed().describe(arn)).PipelineExecutionStatus).toBe('Stopping');
  });
});

describe('Release Callback Steps, consumer answering "Stopping"', () => {
  it('releases nothing when the reference consumer answers before the grace period ends', async () => {
    // Prepare
    const { arn, poller } = await callbackExecution('answering', 'reference');
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 120, releaseCallbacksAfterSeconds: 30 });

    // Assess
    const output = expectSucceeded(result);
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped', releasedCallbackSteps: [] });
    expect(output.waitedSeconds).toBeLessThan(30);
    expect(timesEntered(result, S.release)).toBe(0);
    const delta = statsDelta(before, testBed().emulators.simulator.stats());
    expect(delta.calls.SendPipelineExecutionStepFailure).toBe(1);
    const [step] = await testBed().steps(arn);
    expect(step?.FailureReason).toMatch(/consumer acknowledged the Stopping message/);
    await waitFor(
      'the Stopping message to be deleted',
      () => poller.stats().deleted,
      (deleted) => deleted >= 2,
    );
    expect(poller.stats()).toMatchObject({ failed: 0, handlerErrors: 0 });
  });
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
    const { queueUrl, deadLetterQueueUrl } = await testBed().callbackQueue('duplicate');
    const copies: string[] = [];
    const poller = testBed().consume(queueUrl, async (event: SQSEvent, context: Context) => {
      for (const record of event.Records) {
        if (statusOf(record.body) === 'Stopping' && copies.length === 0) {
          copies.push(record.body);
          await testBed().send(queueUrl, record.body);
        }
      }
      return (await testBed().referenceConsumer(event, context)) as SQSBatchResponse;
    });
    const arn = await testBed().startExecution('duplicate', [callbackStep(CALLBACK, queueUrl)]);
    await testBed().waitForSteps(arn, [CALLBACK]);
    await waitFor(
      'the Executing message to be consumed',
      () => poller.stats().deleted,
      (deleted) => deleted >= 1,
    );
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 120 });
    await waitFor(
      'the duplicate to be consumed',
      () => poller.stats().deleted,
      (deleted) => deleted >= 3,
      { timeoutMs: 30_000 },
    );

    // Assess
    expect(expectSucceeded(result)).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped', releasedCallbackSteps: [] });
    expect(copies).toHaveLength(1);
    expect(JSON.parse(copies[0] ?? '{}')).toMatchObject({ status: 'Stopping', pipelineExecutionArn: arn });
    // Executing, Stopping and its copy: all three consumed, none failed, SageMaker answered once.
    expect(poller.stats()).toMatchObject({ received: 3, deleted: 3, failed: 0, handlerErrors: 0, deleteErrors: 0 });
    const delta = statsDelta(before, testBed().emulators.simulator.stats());
    expect(delta.calls.SendPipelineExecutionStepFailure).toBe(1);
    expect(delta.errors).toEqual({});
    expect(await testBed().queueCounts(queueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(await testBed().queueCounts(deadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});

describe('Reference callback consumer, malformed messages', () => {
  it('sends malformed messages to the dead-letter queue after the redrive count, losing none, while the good ones are processed', async () => {
    // Prepare
    const maxReceiveCount = 2;
    const { queueUrl, deadLetterQueueUrl } = await testBed().callbackQueue('malformed', { maxReceiveCount });
    const malformed = [
      'not json',
      JSON.stringify({
        token: 'bad-token!',
        pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/e2e-malformed/execution/0a1b2c3d4e5f',
        arguments: {},
        status: 'Stopping',
      }),
    ];
    for (const body of malformed) await testBed().send(queueUrl, body);
    // A failed record is visible again at once (visibility timeout 0): the redrive count is reached quickly.
    const poller = testBed().consume(queueUrl, testBed().referenceConsumer, { visibilityTimeoutSeconds: 0 });
    const arn = await testBed().startExecution('malformed', [callbackStep(CALLBACK, queueUrl)]);
    await testBed().waitForSteps(arn, [CALLBACK]);
    await waitFor(
      'the Executing message to be consumed',
      () => poller.stats().deleted,
      (deleted) => deleted >= 1,
    );
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 300 });
    const deadLetters = await waitFor(
      'both malformed messages in the dead-letter queue',
      () => testBed().queueCounts(deadLetterQueueUrl),
      (counts) => counts.visible >= malformed.length,
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    // Assess
    // The good messages (Executing, then Stopping) were processed: the consumer stopped the run.
    expect(expectSucceeded(result)).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped', releasedCallbackSteps: [] });
    expect(statsDelta(before, testBed().emulators.simulator.stats()).calls.SendPipelineExecutionStepFailure).toBe(1);
    // Nothing lost: the two malformed bodies are in the DLQ, unchanged; the source queue is empty.
    expect(deadLetters).toEqual({ visible: malformed.length, inFlight: 0, delayed: 0 });
    const inDeadLetterQueue = await testBed().peek(deadLetterQueueUrl, malformed.length);
    expect(inDeadLetterQueue.map((message) => message.Body).sort()).toEqual([...malformed].sort());
    for (const message of inDeadLetterQueue)
      expect(Number(message.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(maxReceiveCount);
    expect(await testBed().queueCounts(queueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    // Each malformed message failed once per receive, up to the redrive count; the two good ones were deleted.
    expect(poller.stats()).toMatchObject({ deleted: 2, failed: malformed.length * maxReceiveCount, handlerErrors: 0 });
  });
});

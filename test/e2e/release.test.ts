/**
 * Issue 4, end to end: force-releasing callback steps whose consumer ignores
 * the "Stopping" message, on the simulator + SQS emulator + embedded engine
 * with the built bundles. Simulated time runs 20× faster (simulator, handler
 * clock and Wait states alike).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callbackStep, silentConsumer, startTestBed, type TestBed } from './support/bed.js';
import { LAST_CHECK, ROUND, START, expectFailed, expectSucceeded, finish, statsDelta } from './support/expectations.js';
import { S, failedReport, shapeOf, timesEntered } from './support/path.js';
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

/** The callback token SageMaker gave the step, read with a plain SDK client. */
async function realToken(arn: string): Promise<string> {
  const step = (await bed.steps(arn)).find((candidate) => candidate.StepName === CALLBACK);
  const token = step?.Metadata?.Callback?.CallbackToken;
  if (!token) throw new Error(`Step ${CALLBACK} has no callback token yet.`);
  return token;
}

/** An execution whose callback step runs, with `consumer` on its queue; returns once the Executing message was consumed. */
async function callbackExecution(label: string, consumer: 'silent' | 'reference') {
  const { queueUrl } = await bed.callbackQueue(label);
  const silent = silentConsumer();
  const poller = bed.consume(queueUrl, consumer === 'silent' ? silent.handler : bed.referenceConsumer);
  const arn = await bed.startExecution(label, [callbackStep(CALLBACK, queueUrl)]);
  await bed.waitForSteps(arn, [CALLBACK]);
  await waitFor('the Executing message to be consumed', () => poller.stats().deleted, (deleted) => deleted >= 1);
  return { arn, queueUrl, poller, seen: silent.seen, token: await realToken(arn) };
}

describe('Release Callback Steps, consumer silent on "Stopping"', () => {
  it('releases the callback step after the grace period and ends Stopped, listing the step with a masked token', async () => {
    // Prepare
    const grace = 10;
    const { arn, token, seen } = await callbackExecution('silent', 'silent');
    const before = bed.stack.simulator.stats();

    // Act
    const result = await bed.run({
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
    // Wait out the grace, release, then (maybe after more rounds) see the run Stopped.
    expect([
      [...START, ...ROUND, ...LAST_CHECK, S.release, ...LAST_CHECK, ...finish(S.succeeded)],
      [...START, ...ROUND, ...LAST_CHECK, S.release, ...ROUND, ...LAST_CHECK, ...finish(S.succeeded)],
    ]).toContainEqual(shapeOf(result));
    expect(timesEntered(result, S.release)).toBe(1);
    // The consumer did get the Stopping message, and ignored it: the release is the one answer SageMaker saw.
    expect(seen).toEqual(['Executing', 'Stopping']);
    const delta = statsDelta(before, bed.stack.simulator.stats());
    expect(delta.calls.SendPipelineExecutionStepFailure).toBe(1);
    expect(delta.errors).toEqual({});
    const [step] = await bed.steps(arn);
    expect(step?.FailureReason).toMatch(/^Released by graceful stop after 10 s without an answer to the Stopping message: e2e: cost alarm$/);
  });

  it('fails with DrainTimedOut naming the callback step when no grace period is given', async () => {
    // Prepare
    const { arn, token, seen } = await callbackExecution('no-grace', 'silent');
    const before = bed.stack.simulator.stats();

    // Act
    const result = await bed.run({ pipelineExecutionArn: arn, maxWaitSeconds: 15 });

    // Assess
    const cause = expectFailed(result, S.drainTimedOut, 'DrainTimedOut');
    expect(cause).toMatch(new RegExp(`still draining: Callback step '${CALLBACK}' \\(Stopping for \\d+ s\\)\\.`));
    expect(cause).not.toContain(token);
    expect(timesEntered(result, S.release)).toBe(0);
    expect(failedReport(result, S.drainTimedOut).document.releasedCallbackSteps).toEqual([]);
    expect(seen).toEqual(['Executing', 'Stopping']);
    expect(statsDelta(before, bed.stack.simulator.stats()).calls.SendPipelineExecutionStepFailure).toBeUndefined();
    expect((await bed.describe(arn)).PipelineExecutionStatus).toBe('Stopping');
  });
});

describe('Release Callback Steps, consumer answering "Stopping"', () => {
  it('releases nothing when the reference consumer answers before the grace period ends', async () => {
    // Prepare
    const { arn, poller } = await callbackExecution('answering', 'reference');
    const before = bed.stack.simulator.stats();

    // Act
    const result = await bed.run({ pipelineExecutionArn: arn, maxWaitSeconds: 120, releaseCallbacksAfterSeconds: 30 });

    // Assess
    const output = expectSucceeded(result);
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped', releasedCallbackSteps: [] });
    expect(output.waitedSeconds).toBeLessThan(30);
    expect(timesEntered(result, S.release)).toBe(0);
    const delta = statsDelta(before, bed.stack.simulator.stats());
    expect(delta.calls.SendPipelineExecutionStepFailure).toBe(1);
    const [step] = await bed.steps(arn);
    expect(step?.FailureReason).toMatch(/consumer acknowledged the Stopping message/);
    await waitFor('the Stopping message to be deleted', () => poller.stats().deleted, (deleted) => deleted >= 2);
    expect(poller.stats()).toMatchObject({ failed: 0, handlerErrors: 0 });
  });
});

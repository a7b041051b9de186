/**
 * The force-release measurement in real time (time scale 1): stop → Stopped with a
 * silent callback consumer and a 5 s grace period, printed in a line starting
 * with "[measurement]". A file of its own: the handler bundles bind their
 * SageMaker endpoint on first use, and Node caches them per process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { callbackStep, silentConsumer, startTestCloud, type TestCloud } from '#test/support/test-cloud.js';
import { expectSucceeded } from '#test/support/expectations.js';
import { S, timesEntered } from '#test/support/run-path.js';
import { waitFor } from '#local/bounded.js';

let cloud: TestCloud | undefined;

afterAll(async () => {
  await cloud?.close();
});

describe('Graceful stop with a silent callback consumer and a 5 s grace period, in real time', () => {
  it('reaches Stopped just after the grace period and reports it within one poll interval', async () => {
    // Prepare
    const GRACE_SECONDS = 5;
    cloud = await startTestCloud({ timeScale: 1 });
    const { queueUrl } = await cloud.callbackQueue('timing');
    const silent = silentConsumer();
    const poller = cloud.consume(queueUrl, silent.handler);
    const arn = await cloud.startExecution('timing', [callbackStep('AwaitApproval', queueUrl)]);
    await cloud.waitForSteps(arn, ['AwaitApproval']);
    await waitFor(
      'the Executing message to be consumed',
      () => poller.stats().deleted,
      (deleted) => deleted >= 1,
    );

    // Act
    const started = Date.now();
    const result = await cloud.run({
      pipelineExecutionArn: arn,
      reason: 'e2e: timing',
      maxWaitSeconds: 60,
      releaseCallbacksAfterSeconds: GRACE_SECONDS,
    });
    const ended = Date.now();

    // Assess
    const output = expectSucceeded(result);
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped' });
    expect(output.releasedCallbackSteps).toEqual([expect.objectContaining({ stepName: 'AwaitApproval', result: 'Released' })]);
    expect(timesEntered(result, S.release)).toBe(1);
    expect(silent.seen).toEqual(['Executing', 'Stopping']);
    const stopRequestedAt = Date.parse(output.stopRequestedAt ?? '');
    const releasedAt = Date.parse(output.releasedCallbackSteps[0]?.releasedAt ?? '');
    const sageMakerStoppedAt = (await cloud.describe(arn)).LastModifiedTime?.getTime() ?? Number.NaN;
    const seconds = (ms: number): number => Math.round(ms) / 1000;
    const measured = {
      stopToReleaseSeconds: seconds(releasedAt - stopRequestedAt),
      stopToSageMakerStoppedSeconds: seconds(sageMakerStoppedAt - stopRequestedAt),
      stopToStoppedReportedSeconds: seconds(ended - stopRequestedAt),
      wholeRunSeconds: seconds(ended - started),
      polls: output.polls,
    };
    console.log(
      `[measurement] silent consumer, ${GRACE_SECONDS} s grace, timeScale 1: stop requested → SageMaker Stopped ${measured.stopToSageMakerStoppedSeconds} s, ` +
        `→ graceful stop ended with Stopped ${measured.stopToStoppedReportedSeconds} s ${JSON.stringify(measured)}`,
    );
    // Never before the grace period (releasedAt is taken once SendPipelineExecutionStepFailure has
    // answered, a moment after SageMaker's Stopped); the end is seen within one poll interval (1 s).
    expect(measured.stopToSageMakerStoppedSeconds).toBeGreaterThanOrEqual(GRACE_SECONDS);
    expect(measured.stopToReleaseSeconds).toBeGreaterThanOrEqual(measured.stopToSageMakerStoppedSeconds);
    expect(measured.stopToStoppedReportedSeconds).toBeGreaterThanOrEqual(measured.stopToSageMakerStoppedSeconds);
    expect(measured.stopToStoppedReportedSeconds - measured.stopToSageMakerStoppedSeconds).toBeLessThan(1);
  });
});

/** A pipeline execution that is draining when the graceful stop comes, shared by the fault files. */
import { expect } from 'vitest';
import type { RunResult } from '#local/engine/runner.js';
import { callbackStep, lambdaStep, type TestCloud } from './test-cloud.js';
import { LAST_CHECK, ROUND, START, ended, expectSucceeded } from './expectations.js';
import { S, shapeOf } from './run-path.js';
import { waitFor } from '#local/bounded.js';

/**
 * Starts an execution with a callback step (answered by the reference
 * consumer) and a Lambda step that runs `lambdaSeconds` simulated seconds;
 * returns once both run and the Executing message was consumed.
 */
export async function drainingExecution(bed: TestCloud, label: string, lambdaSeconds: number): Promise<string> {
  const { queueUrl } = await bed.callbackQueue(label);
  const consumer = bed.consume(queueUrl, bed.referenceConsumer);
  const arn = await bed.startExecution(label, [
    callbackStep('AwaitApproval', queueUrl),
    lambdaStep('Evaluate', { DurationSeconds: lambdaSeconds }),
  ]);
  await bed.waitForSteps(arn, ['AwaitApproval', 'Evaluate']);
  await waitFor(
    'the Executing message to be consumed',
    () => consumer.stats().deleted,
    (deleted) => deleted >= 1,
  );
  return arn;
}

/**
 * The graceful stop ended as if nothing had gone wrong: Stopped, the callback
 * step Stopped by its consumer, the Lambda step Succeeded, nothing released.
 * `rounds: 'some'` requires at least one Wait For Drain; `'any'` allows none
 * (when retries took longer than the drain itself).
 */
export function expectStoppedCleanly(result: RunResult, arn: string, rounds: 'some' | 'any' = 'some'): void {
  const output = expectSucceeded(result);
  expect(output).toMatchObject({ pipelineExecutionArn: arn, outcome: 'Stopped', finalStatus: 'Stopped', releasedCallbackSteps: [] });
  expect(output.steps.map(({ name, status }) => ({ name, status })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
    { name: 'AwaitApproval', status: 'Stopped' },
    { name: 'Evaluate', status: 'Succeeded' },
  ]);
  const withRounds = [...START, ...ROUND, ...LAST_CHECK, ...ended(S.succeeded)];
  const withoutRounds = [...START, ...LAST_CHECK, ...ended(S.succeeded)];
  expect(rounds === 'some' ? [withRounds] : [withRounds, withoutRounds]).toContainEqual(shapeOf(result));
}

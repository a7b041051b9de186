/**
 * Nothing left running: after the drain, the graceful stop reads the job behind every step, stops
 * a job still running after its run ended, and names what it cannot stop - the function of a Lambda
 * step that timed out, the work behind a released callback step. Built bundles, simulator, engine.
 */
import { describe, expect, it } from 'vitest';
import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { waitFor } from '#local/bounded.js';
import type { OutputDocument } from '#graceful-stop/model.js';
import { callbackStep, jobStep, lambdaStep, useTestCloud } from '#test/support/test-cloud.js';
import { expectFailed, expectSucceeded } from '#test/support/expectations.js';
import { S } from '#test/support/run-path.js';

const testBed = useTestCloud({ timeScale: 20 });
const nameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);
const trainingStatus = async (arn: string): Promise<string | undefined> =>
  (await testBed().sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: nameOf(arn) }))).TrainingJobStatus;

describe('the jobs behind a stopped run', () => {
  it('reports the final status of the job behind every step when nothing is left running', async () => {
    // Prepare
    const arn = await testBed().startExecution('clean-jobs', [
      jobStep('Train', { DurationSeconds: 36_000, StopDurationSeconds: 4 }),
      jobStep('Prepare', { DurationSeconds: 36_000, StopDurationSeconds: 2 }, 'Processing'),
    ]);
    await testBed().waitForSteps(arn, ['Train', 'Prepare']);

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 300 });

    // Assess
    const output = expectSucceeded(result);
    expect(output.outcome).toBe('Stopped');
    expect(
      output.jobs?.map(({ stepName, kind, status }) => ({ stepName, kind, status })).sort((a, b) => a.stepName.localeCompare(b.stepName)),
    ).toEqual([
      { stepName: 'Prepare', kind: 'ProcessingJob', status: 'Stopped' },
      { stepName: 'Train', kind: 'TrainingJob', status: 'Stopped' },
    ]);
    expect(output.leftovers).toEqual([]);
  });

  it('stops a training job that outlived its step, and names the timed-out Lambda function and the released callback work, when the run ends Failed', async () => {
    // Prepare: a silent callback step, a Lambda step that times out while draining, a training job a fault keeps running
    const { queueUrl } = await testBed().callbackQueue('leftovers');
    const arn = await testBed().startExecution('leftovers', [
      jobStep('Train', { DurationSeconds: 36_000, StopDurationSeconds: 2, JobOutlivesStepSeconds: 100_000 }),
      lambdaStep('Score', { DurationSeconds: 600, TimeoutSeconds: 60 }),
      callbackStep('Approve', queueUrl),
    ]);
    await testBed().waitForSteps(arn, ['Train', 'Score', 'Approve']);

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 600, releaseCallbacksAfterSeconds: 10 });

    // Assess: the run ended as it did (Failed: the Lambda step timed out); the leftovers come beside it
    const cause = expectFailed(result, S.failed, 'PipelineExecutionFailed');
    const document = (
      result.events.findLast((event) => event.state?.name === S.report && event.type === 'StateExited')?.state?.output as {
        result: { document: OutputDocument };
      }
    ).result.document;
    const [train] = document.jobs ?? [];
    expect(train).toMatchObject({ stepName: 'Train', kind: 'TrainingJob', status: 'InProgress' });
    expect(
      document.leftovers
        ?.map(({ stepName, kind, action }) => ({ stepName, kind, action }))
        .sort((a, b) => a.stepName.localeCompare(b.stepName)),
    ).toEqual([
      { stepName: 'Approve', kind: 'CallbackWork', action: 'CannotStop' },
      { stepName: 'Score', kind: 'LambdaFunction', action: 'CannotStop' },
      { stepName: 'Train', kind: 'TrainingJob', action: 'StopRequested' },
    ]);
    expect(cause).toMatch(/, leftovers=.*\]$/);
    expect(cause).toMatch(/TrainingJob pipelines-[a-z0-9-]+: StopRequested/);
    expect(cause).toContain('LambdaFunction e2e-step: CannotStop');
    expect(cause).toMatch(/CallbackWork [^:;]+: CannotStop/);
    expect(
      await waitFor(
        'the training job to stop',
        () => trainingStatus(train?.arn ?? ''),
        (status) => status === 'Stopped',
      ),
    ).toBe('Stopped');
  });

  it('reports a job still running without stopping it when stopLeftoverJobs is false', async () => {
    // Prepare
    const arn = await testBed().startExecution('leave-jobs', [
      jobStep('Train', { DurationSeconds: 36_000, StopDurationSeconds: 2, JobOutlivesStepSeconds: 100_000 }),
    ]);
    await testBed().waitForSteps(arn, ['Train']);

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 300, stopLeftoverJobs: false });

    // Assess
    const output = expectSucceeded(result);
    expect(output.leftovers).toEqual([expect.objectContaining({ stepName: 'Train', kind: 'TrainingJob', action: 'NotStopped' })]);
    expect(await trainingStatus(output.jobs?.[0]?.arn ?? '')).toBe('InProgress');
  });
});

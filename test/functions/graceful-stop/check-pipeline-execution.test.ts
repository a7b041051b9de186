import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import fc from 'fast-check';
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  ResourceNotFound,
  SageMakerClient,
  type PipelineExecutionStep,
} from '@aws-sdk/client-sagemaker';
import { MAX_REPORTED_STEPS, checkPipelineExecution, type CheckConfig } from '#graceful-stop/check-pipeline-execution.logic.js';
import type { ExecutionStatus, ReleasedStep, StoppedState } from '#graceful-stop/model.js';
import {
  ARN,
  T0,
  callbackStep,
  checkRecord,
  clockAt,
  lambdaStep,
  sdkError,
  stoppedState,
  trainingStep,
  type FakeClock,
} from '#test/support/fixtures.js';

const sagemaker = mockClient(SageMakerClient);

function run(state: StoppedState, clock: FakeClock, config: Partial<CheckConfig> = {}) {
  return checkPipelineExecution(state, {
    sagemaker: new SageMakerClient({}),
    clock,
    config: { pollCapSeconds: 20, watchSeconds: 0, ...config },
  });
}

function givenStatus(...statuses: ExecutionStatus[]): void {
  const stub = sagemaker.on(DescribePipelineExecutionCommand);
  const last = statuses.at(-1);
  for (const status of statuses.slice(0, -1)) stub.resolvesOnce({ PipelineExecutionStatus: status });
  stub.resolves({ PipelineExecutionStatus: last });
}

function givenSteps(...steps: PipelineExecutionStep[]): void {
  sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: steps });
}

const released = (stepName: string): ReleasedStep => ({ stepName, releasedAt: T0, callbackToken: '***abc', result: 'Released' });

describe('checkPipelineExecution', () => {
  beforeEach(() => sagemaker.reset());

  describe('status and steps', () => {
    it('reports a terminal status with no draining steps and counts one poll', async () => {
      // Prepare
      givenStatus('Stopped');
      givenSteps(lambdaStep('Work', 'Stopped'));
      // Act
      const { check } = await run(stoppedState(), clockAt(30));
      // Assess
      expect(check).toMatchObject({
        status: 'Stopped',
        draining: [],
        deadlinePassed: false,
        releaseDue: false,
        polls: 1,
        waitedSeconds: 30,
        stepsOmitted: 0,
        checkedAt: '2025-03-01T12:00:30.000Z',
      });
      expect(check.steps).toEqual([{ name: 'Work', type: 'Lambda', status: 'Stopped', startedAt: T0 }]);
      expect(sagemaker).toHaveReceivedCommandExactlyOnceWith(DescribePipelineExecutionCommand, { PipelineExecutionArn: ARN });
    });

    it('adds its polls to those of earlier checks', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps();
      // Act
      const { check } = await run(stoppedState({ check: checkRecord({ polls: 4 }) }), clockAt(30));
      // Assess
      expect(check.polls).toBe(5);
    });

    it('lists the steps still draining with their type inferred from Metadata', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps(
        callbackStep('Approve', 'AbCdEfGh12', 'Executing'),
        lambdaStep('Work', 'Stopping'),
        trainingStep('Train', 'Succeeded'),
        { StepName: 'Prep', StepStatus: 'Starting', Metadata: { ProcessingJob: { Arn: 'arn:p' } } },
        { StepName: 'Mystery', StepStatus: 'Executing', Metadata: {} },
      );
      // Act
      const { check } = await run(stoppedState(), clockAt(30));
      // Assess
      expect(check.draining.map(({ name, type, status }) => ({ name, type, status }))).toEqual([
        { name: 'Approve', type: 'Callback', status: 'Executing' },
        { name: 'Work', type: 'Lambda', status: 'Stopping' },
        { name: 'Prep', type: 'ProcessingJob', status: 'Starting' },
        { name: 'Mystery', type: 'Unknown', status: 'Executing' },
      ]);
      expect(check.steps).toHaveLength(5);
    });

    it('reports no draining steps once the execution is terminal, even if a step still looks running', async () => {
      // Prepare
      givenStatus('Stopped');
      givenSteps(lambdaStep('Work', 'Executing'));
      // Act
      const { check } = await run(stoppedState(), clockAt(30));
      // Assess
      expect(check.draining).toEqual([]);
    });

    it('carries the execution failure reason', async () => {
      // Prepare
      sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Failed', FailureReason: 'Step Work failed' });
      givenSteps(lambdaStep('Work', 'Failed', { FailureReason: 'Lambda timed out' }));
      // Act
      const { check } = await run(stoppedState(), clockAt(30));
      // Assess
      expect(check.failureReason).toBe('Step Work failed');
      expect(check.steps[0]?.failureReason).toBe('Lambda timed out');
    });

    it('treats a missing status as Executing', async () => {
      // Prepare
      sagemaker.on(DescribePipelineExecutionCommand).resolves({});
      givenSteps();
      // Act
      const { check } = await run(stoppedState(), clockAt(30));
      // Assess
      expect(check.status).toBe('Executing');
    });

    it('reads every page of steps', async () => {
      // Prepare
      givenStatus('Stopping');
      sagemaker
        .on(ListPipelineExecutionStepsCommand)
        .resolvesOnce({ PipelineExecutionSteps: [lambdaStep('A', 'Succeeded')], NextToken: 'n1' })
        .resolvesOnce({ PipelineExecutionSteps: [lambdaStep('B', 'Executing')], NextToken: 'n2' })
        .resolvesOnce({ PipelineExecutionSteps: [callbackStep('C', 'ZyXwVuTs98')] });
      // Act
      const { check } = await run(stoppedState(), clockAt(30));
      // Assess
      expect(check.steps.map((step) => step.name)).toEqual(['A', 'B', 'C']);
      expect(check.draining.map((step) => step.name)).toEqual(['B', 'C']);
      expect(sagemaker).toHaveReceivedNthCommandWith(ListPipelineExecutionStepsCommand, 3, { NextToken: 'n2', MaxResults: 100 });
    });

    it(`keeps at most ${MAX_REPORTED_STEPS} steps and counts the ones it left out`, async () => {
      // Prepare
      givenStatus('Stopping');
      const many = Array.from({ length: 250 }, (_, index) => lambdaStep(`S${index}`, 'Executing'));
      sagemaker
        .on(ListPipelineExecutionStepsCommand)
        .resolvesOnce({ PipelineExecutionSteps: many.slice(0, 100), NextToken: 'a' })
        .resolvesOnce({ PipelineExecutionSteps: many.slice(100, 200), NextToken: 'b' })
        .resolvesOnce({ PipelineExecutionSteps: many.slice(200) });
      // Act
      const { check } = await run(stoppedState(), clockAt(30));
      // Assess
      expect(check.steps).toHaveLength(MAX_REPORTED_STEPS);
      expect(check.draining).toHaveLength(MAX_REPORTED_STEPS);
      expect(check.stepsOmitted).toBe(50);
    });

    it('never returns a callback token in full', async () => {
      // Prepare
      const tokens = ['AbCdEfGh12', 'Qw3rTy7u8I'];
      givenStatus('Stopping');
      sagemaker
        .on(ListPipelineExecutionStepsCommand)
        .resolvesOnce({ PipelineExecutionSteps: [callbackStep('First', tokens[0]!)], NextToken: 'n' })
        .resolvesOnce({ PipelineExecutionSteps: [callbackStep('Second', tokens[1]!, 'Succeeded')] });
      // Act
      const result = await run(stoppedState(), clockAt(30));
      // Assess
      const json = JSON.stringify(result);
      for (const token of tokens) expect(json).not.toContain(token);
      expect(result.check.steps.map((step) => step.callbackToken)).toEqual(['***h12', '***u8I']);
    });
  });

  describe('next wait and deadline', () => {
    it.each([
      ['starts with a 1 s wait right after the stop', 0, 900, 20, 1],
      ['grows with the time already spent draining', 100, 900, 20, 4],
      ['never exceeds the poll cap', 600, 900, 20, 20],
      ['honours a smaller poll cap', 600, 900, 5, 5],
      ['is clipped to the time left before the deadline', 890, 900, 20, 10],
      ['rounds a fractional remaining time up so the next check is at the deadline', 898.5, 900, 20, 2],
      ['is at least 1 s once the deadline has passed', 950, 900, 20, 1],
    ])('%s', async (_label, elapsed, maxWaitSeconds, pollCapSeconds, expected) => {
      // Prepare
      givenStatus('Stopping');
      givenSteps();
      // Act
      const { check } = await run(stoppedState({ request: { maxWaitSeconds } }), clockAt(elapsed), { pollCapSeconds });
      // Assess
      expect(check.nextWaitSeconds).toBe(expected);
    });

    it.each([
      ['still draining one second before the deadline', 'Stopping', 899, false],
      ['still draining at the deadline', 'Stopping', 900, true],
      ['still Executing after the deadline', 'Executing', 1200, true],
      ['Stopped after the deadline', 'Stopped', 1200, false],
      ['Failed after the deadline', 'Failed', 1200, false],
      ['Succeeded after the deadline', 'Succeeded', 1200, false],
    ] as const)('sets deadlinePassed for an execution %s: %s', async (_label, status, elapsed, expected) => {
      // Prepare
      givenStatus(status);
      givenSteps();
      // Act
      const { check } = await run(stoppedState({ request: { maxWaitSeconds: 900 } }), clockAt(elapsed));
      // Assess
      expect(check.deadlinePassed).toBe(expected);
    });

    it('wakes up when the force-release grace period ends, not a whole poll interval later', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps();
      // Act
      const { check } = await run(stoppedState({ request: { releaseCallbacksAfterSeconds: 302 } }), clockAt(300));
      // Assess: the interval at 300 s would be 12 s; the grace ends in 2 s
      expect(check.nextWaitSeconds).toBe(2);
    });

    it('goes back to the normal interval once the grace period is over and nothing is left to release', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps();
      // Act
      const { check } = await run(stoppedState({ request: { releaseCallbacksAfterSeconds: 30 } }), clockAt(300));
      // Assess
      expect(check.releaseDue).toBe(false);
      expect(check.nextWaitSeconds).toBe(12);
    });

    it('reports waitedSeconds rounded to a tenth of a second', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps();
      // Act
      const { check } = await run(stoppedState(), clockAt(12.345));
      // Assess
      expect(check.waitedSeconds).toBe(12.3);
    });
  });

  describe('releaseDue', () => {
    const base = {
      grace: 60 as number | undefined,
      accepted: true,
      statusAtStop: undefined as ExecutionStatus | undefined,
      elapsed: 61,
      status: 'Stopping' as ExecutionStatus,
      steps: [callbackStep('Approve', 'AbCdEfGh12')] as PipelineExecutionStep[],
      released: [] as ReleasedStep[],
    };

    it.each([
      [true, 'all conditions hold', {}],
      [true, 'the grace period has just elapsed', { elapsed: 60 }],
      [true, 'the stop was not ours but another stop is draining it', { accepted: false, statusAtStop: 'Stopping' }],
      [
        true,
        'one callback step was released and another was not',
        { steps: [callbackStep('Approve', 'AbCdEfGh12'), callbackStep('Review', 'ReViEw1234')], released: [released('Approve')] },
      ],
      [false, 'no grace period was requested', { grace: undefined }],
      [false, 'the stop is not in effect', { accepted: false, statusAtStop: 'Executing' }],
      [false, 'the grace period has not elapsed', { elapsed: 59 }],
      [false, 'only a Lambda step is draining', { steps: [lambdaStep('Work')] }],
      [false, 'the callback step was already released', { released: [released('Approve')] }],
      [false, 'the callback step has finished', { steps: [callbackStep('Approve', 'AbCdEfGh12', 'Succeeded')] }],
      [false, 'the execution is already Stopped', { status: 'Stopped' }],
      [
        false,
        'the draining callback step has no token yet',
        { steps: [{ StepName: 'Approve', StepStatus: 'Executing', Metadata: { Callback: { SqsQueueUrl: 'https://sqs/q' } } }] },
      ],
      [false, 'the draining callback step has an empty token', { steps: [callbackStep('Approve', '')] }],
    ] as [boolean, string, Partial<typeof base>][])('is %s when %s', async (expected, _label, overrides) => {
      // Prepare
      const c = { ...base, ...overrides };
      givenStatus(c.status);
      givenSteps(...c.steps);
      const state = stoppedState({
        request: c.grace === undefined ? {} : { releaseCallbacksAfterSeconds: c.grace },
        stop: { accepted: c.accepted, ...(c.statusAtStop ? { statusAtStop: c.statusAtStop } : {}) },
        released: c.released,
      });
      // Act
      const { check } = await run(state, clockAt(c.elapsed));
      // Assess
      expect(check.releaseDue).toBe(expected);
    });
  });

  describe('watching with watchSeconds > 0', () => {
    it('polls until the execution is terminal, then lists the steps once', async () => {
      // Prepare
      givenStatus('Stopping', 'Stopping', 'Stopped');
      givenSteps(lambdaStep('Work', 'Stopped'));
      const clock = clockAt(0);
      // Act
      const { check } = await run(stoppedState(), clock, { watchSeconds: 30 });
      // Assess
      expect(check.status).toBe('Stopped');
      expect(check.polls).toBe(3);
      expect(clock.sleeps).toEqual([1, 1]);
      expect(sagemaker).toHaveReceivedCommandTimes(DescribePipelineExecutionCommand, 3);
      expect(sagemaker).toHaveReceivedCommandOnce(ListPipelineExecutionStepsCommand);
    });

    it("polls within a second of the run's end event instead of at the end of a long interval", async () => {
      // Prepare: at 200 s a poll interval is 8 s; the end event comes 2 s into it
      givenStatus('Stopping', 'Stopped');
      givenSteps(lambdaStep('Work', 'Stopped'));
      const clock = clockAt(200);
      const looks: number[] = [];
      const runEnded = async (): Promise<boolean> => {
        looks.push(clock.sleptSeconds);
        return clock.sleptSeconds >= 2;
      };

      // Act
      const { check } = await checkPipelineExecution(stoppedState(), {
        sagemaker: new SageMakerClient({}),
        clock,
        config: { pollCapSeconds: 20, watchSeconds: 60 },
        runEnded,
      });

      // Assess
      expect(check.status).toBe('Stopped');
      expect(clock.sleeps).toEqual([1, 1]);
      expect(looks).toEqual([1, 2]);
      expect(check.polls).toBe(2);
    });

    it('keeps its poll schedule when the end records cannot be read', async () => {
      // Prepare
      givenStatus('Stopping', 'Stopped');
      givenSteps(lambdaStep('Work', 'Stopped'));
      const clock = clockAt(200);
      let looks = 0;
      const runEnded = async (): Promise<boolean> => {
        looks += 1;
        throw Object.assign(new Error('S3 down'), { name: 'ServerErrorResponse' });
      };

      // Act
      const { check } = await checkPipelineExecution(stoppedState(), {
        sagemaker: new SageMakerClient({}),
        clock,
        config: { pollCapSeconds: 20, watchSeconds: 60 },
        runEnded,
      });

      // Assess: one failed look, then plain sleeps to the next poll (8 s in all)
      expect(looks).toBe(1);
      expect(clock.sleptSeconds).toBe(8);
      expect(check.status).toBe('Stopped');
    });

    it('stops watching at the watch budget and hands back to the Wait state', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps(lambdaStep('Work', 'Stopping'));
      const clock = clockAt(100);
      // Act
      const { check } = await run(stoppedState(), clock, { watchSeconds: 10 });
      // Assess: intervals of 4 % of 100 s, the last one clipped to the budget
      expect(clock.sleeps).toEqual([4, 4, 2]);
      expect(clock.sleptSeconds).toBe(10);
      expect(check.polls).toBe(4);
      expect(check.status).toBe('Stopping');
      expect(check.waitedSeconds).toBe(110);
      expect(check.draining.map((step) => step.name)).toEqual(['Work']);
    });

    it('never sleeps longer than the poll cap', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps();
      const clock = clockAt(1000);
      // Act
      const { check } = await run(stoppedState({ request: { maxWaitSeconds: 3600 } }), clock, { watchSeconds: 12, pollCapSeconds: 5 });
      // Assess
      expect(clock.sleeps).toEqual([5, 5, 2]);
      expect(check.polls).toBe(4);
    });

    it('stops watching at the deadline and reports it passed', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps(callbackStep('Approve', 'AbCdEfGh12'));
      const clock = clockAt(100);
      // Act
      const { check } = await run(stoppedState({ request: { maxWaitSeconds: 105 } }), clock, { watchSeconds: 10 });
      // Assess
      expect(clock.sleeps).toEqual([4, 1]);
      expect(check.polls).toBe(3);
      expect(check.deadlinePassed).toBe(true);
    });

    it('stops watching when the grace period ends so the release is not delayed', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps(callbackStep('Approve', 'AbCdEfGh12'));
      const clock = clockAt(100);
      // Act
      const { check } = await run(stoppedState({ request: { releaseCallbacksAfterSeconds: 102 } }), clock, { watchSeconds: 10 });
      // Assess
      expect(clock.sleeps).toEqual([2]);
      expect(check.polls).toBe(2);
      expect(check.releaseDue).toBe(true);
    });

    it('releases at once when the grace period is 0 s, without watching first', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps(callbackStep('Approve', 'AbCdEfGh12'));
      const clock = clockAt(0);
      // Act
      const { check } = await run(stoppedState({ request: { releaseCallbacksAfterSeconds: 0 } }), clock, { watchSeconds: 240 });
      // Assess
      expect(clock.sleeps).toEqual([]);
      expect(check.releaseDue).toBe(true);
      expect(check.polls).toBe(1);
      expect(sagemaker).toHaveReceivedCommandOnce(ListPipelineExecutionStepsCommand);
    });

    it('releases at once when a check wakes after the grace period with a callback step still waiting', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps(callbackStep('Approve', 'AbCdEfGh12'));
      const clock = clockAt(100);
      // Act
      const { check } = await run(stoppedState({ request: { releaseCallbacksAfterSeconds: 50 } }), clock, { watchSeconds: 240 });
      // Assess
      expect(clock.sleeps).toEqual([]);
      expect(check.releaseDue).toBe(true);
    });

    it('watches the full budget when the grace period is already over', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps(callbackStep('Approve', 'AbCdEfGh12'));
      const clock = clockAt(100);
      const state = stoppedState({ request: { releaseCallbacksAfterSeconds: 50 }, released: [released('Approve')] });
      // Act
      const { check } = await run(state, clock, { watchSeconds: 10 });
      // Assess
      expect(clock.sleeps).toEqual([4, 4, 2]);
      expect(check.releaseDue).toBe(false);
    });

    it('makes a single describe and no sleep when watchSeconds is 0', async () => {
      // Prepare
      givenStatus('Stopping');
      givenSteps();
      const clock = clockAt(100);
      // Act
      const { check } = await run(stoppedState(), clock, { watchSeconds: 0 });
      // Assess
      expect(clock.sleeps).toEqual([]);
      expect(check.polls).toBe(1);
    });

    it('adds the watch polls to those of earlier checks', async () => {
      // Prepare
      givenStatus('Stopping', 'Stopped');
      givenSteps();
      // Act
      const { check } = await run(stoppedState({ check: checkRecord({ polls: 7 }) }), clockAt(0), { watchSeconds: 5 });
      // Assess
      expect(check.polls).toBe(9);
    });

    it('stays within the watch budget and the deadline for any start time, cap and budget', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 2000 }),
          fc.integer({ min: 1, max: 300 }),
          fc.integer({ min: 0, max: 120 }),
          fc.integer({ min: 1, max: 3600 }),
          async (elapsed, pollCapSeconds, watchSeconds, maxWaitSeconds) => {
            // Prepare
            sagemaker.reset();
            givenStatus('Stopping');
            givenSteps();
            const clock = clockAt(elapsed);
            // Act
            const { check } = await run(stoppedState({ request: { maxWaitSeconds } }), clock, { watchSeconds, pollCapSeconds });
            // Assess
            expect(clock.sleptSeconds).toBeLessThanOrEqual(watchSeconds);
            expect(elapsed + clock.sleptSeconds).toBeLessThanOrEqual(Math.max(elapsed, maxWaitSeconds));
            expect(clock.sleeps.every((seconds) => seconds > 0 && seconds <= pollCapSeconds)).toBe(true);
            expect(check.polls).toBe(clock.sleeps.length + 1);
            expect(check.polls).toBeLessThanOrEqual(watchSeconds + 1);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('errors', () => {
    const notFound = (): ResourceNotFound => new ResourceNotFound({ message: 'Pipeline execution does not exist', $metadata: {} });

    it('maps ResourceNotFound on the first describe to PipelineExecutionNotFound with the SDK error as cause', async () => {
      // Prepare
      const error = notFound();
      sagemaker.on(DescribePipelineExecutionCommand).rejects(error);
      // Act
      const checking = run(stoppedState(), clockAt(10));
      // Assess
      await expect(checking).rejects.toMatchObject({
        name: 'PipelineExecutionNotFound',
        message: expect.stringContaining(ARN),
        cause: error,
      });
      expect(sagemaker).not.toHaveReceivedCommand(ListPipelineExecutionStepsCommand);
    });

    it('maps ResourceNotFound in the middle of a watch to PipelineExecutionNotFound', async () => {
      // Prepare
      sagemaker.on(DescribePipelineExecutionCommand).resolvesOnce({ PipelineExecutionStatus: 'Stopping' }).rejects(notFound());
      givenSteps();
      // Act
      const checking = run(stoppedState(), clockAt(10), { watchSeconds: 30 });
      // Assess
      await expect(checking).rejects.toMatchObject({ name: 'PipelineExecutionNotFound' });
      expect(sagemaker).toHaveReceivedCommandTimes(DescribePipelineExecutionCommand, 2);
    });

    it('maps ResourceNotFound while listing the steps to PipelineExecutionNotFound', async () => {
      // Prepare
      const error = notFound();
      givenStatus('Stopping');
      sagemaker.on(ListPipelineExecutionStepsCommand).rejects(error);
      // Act
      const checking = run(stoppedState(), clockAt(10));
      // Assess
      await expect(checking).rejects.toMatchObject({ name: 'PipelineExecutionNotFound', cause: error });
    });

    it.each(['ThrottlingException', 'InternalFailure'])('lets %s propagate by name for the ASL Retry', async (name) => {
      // Prepare
      sagemaker.on(DescribePipelineExecutionCommand).rejects(sdkError(name));
      // Act
      const checking = run(stoppedState(), clockAt(10));
      // Assess
      await expect(checking).rejects.toMatchObject({ name });
    });
  });
});

/**
 * Drains that take time: the deadline (DrainTimedOut) and the force-release
 * of callback steps whose consumer ignores the Stopping message.
 *
 * The handlers measure elapsed time with the real clock scaled by
 * GRACEFUL_STOP_TIME_SCALE, read when they load: this file sets it to the
 * runner's timeScale before importing them, so one simulated second is 10 real
 * milliseconds for the handlers and for Wait For Drain alike. (Not 1 ms: a
 * 5 s grace period must outlast the engine's own overhead between two states.)
 */
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  SendPipelineExecutionStepFailureCommand,
  StopPipelineExecutionCommand,
  type PipelineExecutionStatus,
  type PipelineExecutionStep,
} from '@aws-sdk/client-sagemaker';
import { createGracefulStopMachine } from '#local/engine/graceful-stop.js';
import type { RunOptions } from '#local/engine/runner.js';
import {
  EXECUTION_ARN,
  START,
  callbackStep,
  expectEndedInFailState,
  expectSucceeded,
  afterEnd,
  finish,
  lambdaStep,
  notExecuting,
  sageMakerError,
  trainingStep,
  waitRounds,
} from '#test/support/state-machine-paths.js';
import { S, lastInputOf, pathOf, timesEntered } from '#test/support/run-path.js';

const SCALE = 100;
const SCALED: RunOptions = { timeScale: SCALE, retryIntervalMs: 0 };
vi.stubEnv('GRACEFUL_STOP_TIME_SCALE', String(SCALE));
const { sourceHandlers } = await import('#test/support/source-handlers.js');
afterAll(() => vi.unstubAllEnvs());

const sagemaker = mockClient(SageMakerClient);
const machine = createGracefulStopMachine(sourceHandlers);

const TOKEN = 'Q7wErTy9Zk';
const CALLBACK = 'AwaitApproval';

/**
 * A stateful stand-in for one pipeline execution, behaving as SageMaker does:
 * the stop moves it and its running steps to Stopping, and it reaches Stopped
 * only once no step is draining. A callback step drains until its token is
 * answered, by SendPipelineExecutionStepFailure (the step ends Failed) or by
 * its own consumer (`consumerAnswers`: the step ends Stopped); a token can be
 * answered once. Other steps keep the status they were given.
 */
class FakeExecution {
  status: PipelineExecutionStatus = 'Executing';
  readonly steps: PipelineExecutionStep[];
  private readonly closedTokens = new Set<string>();
  /** Called on every DescribePipelineExecution with its 1-based count, before answering. */
  onDescribe: (count: number) => void = () => undefined;
  /** Set to make the consumer answer the token while the release is in flight. */
  consumerAnswersDuringRelease = false;
  /** Real milliseconds StopPipelineExecution takes to answer. */
  stopLatencyMs = 0;
  private describes = 0;

  constructor(steps: PipelineExecutionStep[]) {
    this.steps = steps;
    sagemaker.on(StopPipelineExecutionCommand).callsFake(async () => {
      if (this.stopLatencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.stopLatencyMs));
      if (this.status !== 'Executing') throw notExecuting(this.status);
      this.status = 'Stopping';
      for (const step of this.steps) if (step.StepStatus === 'Executing') step.StepStatus = 'Stopping';
      this.settle();
      return { PipelineExecutionArn: EXECUTION_ARN };
    });
    sagemaker.on(DescribePipelineExecutionCommand).callsFake(() => {
      this.describes += 1;
      this.onDescribe(this.describes);
      return { PipelineExecutionArn: EXECUTION_ARN, PipelineExecutionStatus: this.status };
    });
    sagemaker.on(ListPipelineExecutionStepsCommand).callsFake(() => ({ PipelineExecutionSteps: structuredClone(this.steps) }));
    sagemaker.on(SendPipelineExecutionStepFailureCommand).callsFake((input: { CallbackToken?: string; FailureReason?: string }) => {
      if (this.consumerAnswersDuringRelease) this.consumerAnswers(input.CallbackToken ?? '');
      if (this.closedTokens.has(input.CallbackToken ?? '')) {
        throw sageMakerError('ValidationException', 'The callback token has already been used.');
      }
      this.answer(input.CallbackToken ?? '', 'Failed', input.FailureReason);
      return { PipelineExecutionArn: EXECUTION_ARN };
    });
  }

  /** The step's own consumer acknowledges the stop: the step ends Stopped. */
  consumerAnswers(token: string): void {
    this.answer(token, 'Stopped');
  }

  private answer(token: string, stepStatus: 'Stopped' | 'Failed', failureReason?: string): void {
    const step = this.steps.find((candidate) => candidate.Metadata?.Callback?.CallbackToken === token);
    if (!step || this.closedTokens.has(token)) return;
    this.closedTokens.add(token);
    step.StepStatus = stepStatus;
    step.EndTime = new Date();
    if (failureReason) step.FailureReason = failureReason;
    this.settle();
  }

  private settle(): void {
    const draining = this.steps.some((step) => ['Starting', 'Executing', 'Stopping'].includes(step.StepStatus ?? ''));
    if (this.status === 'Stopping' && !draining) this.status = 'Stopped';
  }
}

const sentFailures = () => sagemaker.commandCalls(SendPipelineExecutionStepFailureCommand).map((call) => call.args[0].input);

/** Start, `rounds` waiting rounds, then one more check that leaves the loop. */
const drainPath = (rounds: number, ...tail: string[]): string[] => [...START, ...waitRounds(rounds), S.check, S.drained, ...tail];

describe('graceful-stop state machine: drain deadline', () => {
  beforeEach(() => sagemaker.reset());

  it('fails with DrainTimedOut naming the steps still draining when the deadline passes', async () => {
    // Prepare
    new FakeExecution([
      trainingStep('Train', 'Succeeded'),
      callbackStep(CALLBACK, 'Executing', TOKEN),
      lambdaStep('ScoreBatch', 'Executing'),
    ]);

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN, maxWaitSeconds: 20 }, SCALED);

    // Assess
    const rounds = timesEntered(result, S.wait);
    expect(rounds).toBeGreaterThanOrEqual(2);
    expect(pathOf(result)).toEqual(drainPath(rounds, ...finish(S.drainTimedOut)));
    expectEndedInFailState(result, S.drainTimedOut, 'DrainTimedOut');
    expect(result.cause).toMatch(/^The pipeline execution was still Stopping after the 20 s deadline; still draining: /);
    expect(result.cause).toContain(`Callback step '${CALLBACK}' (Stopping`);
    expect(result.cause).toContain("Lambda step 'ScoreBatch' (Stopping");
    expect(result.cause).not.toContain("'Train'");
    const lastCheck = lastInputOf(result, S.report) as { check: { waitedSeconds: number; polls: number } };
    expect(lastCheck.check.waitedSeconds).toBeGreaterThanOrEqual(20);
    expect(lastCheck.check.polls).toBe(rounds + 1);
    expect(sentFailures()).toHaveLength(0);
    expect(result.stoppedAt - result.startedAt).toBeLessThan(3_000);
  });

  it('fails with DrainTimedOut naming the callback step when no grace period is given', async () => {
    // Prepare
    new FakeExecution([lambdaStep('Preprocess', 'Succeeded'), callbackStep(CALLBACK, 'Executing', TOKEN)]);

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN, maxWaitSeconds: 10 }, SCALED);

    // Assess
    const rounds = timesEntered(result, S.wait);
    expect(pathOf(result)).toEqual(drainPath(rounds, ...finish(S.drainTimedOut)));
    expect(pathOf(result)).not.toContain(S.release);
    expectEndedInFailState(result, S.drainTimedOut, 'DrainTimedOut');
    expect(result.cause).toMatch(new RegExp(`still draining: Callback step '${CALLBACK}' \\(Stopping for \\d+ s\\)\\. `));
    expect(sentFailures()).toHaveLength(0);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('gives up at the deadline without releasing when the deadline and the grace period have both passed', async () => {
    // Prepare
    const execution = new FakeExecution([callbackStep(CALLBACK, 'Executing', TOKEN)]);
    // SageMaker answers the stop after 15 simulated seconds: the first check comes after the 10 s deadline.
    execution.stopLatencyMs = (15 * 1000) / SCALE;

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN, maxWaitSeconds: 10, releaseCallbacksAfterSeconds: 5 }, SCALED);

    // Assess
    expect(pathOf(result)).toEqual(drainPath(0, ...finish(S.drainTimedOut)));
    const firstCheck = lastInputOf(result, S.report) as { check: { deadlinePassed: boolean; releaseDue: boolean } };
    expect(firstCheck.check).toMatchObject({ deadlinePassed: true, releaseDue: true });
    expectEndedInFailState(result, S.drainTimedOut, 'DrainTimedOut');
    expect(sentFailures()).toHaveLength(0);
  });
});

describe('graceful-stop state machine: force-releasing silent callback steps', () => {
  beforeEach(() => sagemaker.reset());

  it('releases a callback step that ignores the Stopping message after the grace period, then ends Stopped', async () => {
    // Prepare
    const execution = new FakeExecution([lambdaStep('Preprocess', 'Succeeded'), callbackStep(CALLBACK, 'Executing', TOKEN)]);
    const reason = `Budget exceeded: ${'x'.repeat(239)}`; // 256 characters, the input's maximum

    // Act
    const result = await machine.run(
      { pipelineExecutionArn: EXECUTION_ARN, reason, maxWaitSeconds: 600, releaseCallbacksAfterSeconds: 5 },
      SCALED,
    );

    // Assess
    const output = expectSucceeded(result) as { releasedCallbackSteps: unknown[]; steps: unknown[] };
    // How many polls came before the grace ran out depends on the machine's speed; that the release waited for it does not.
    const rounds = timesEntered(result, S.wait);
    expect(pathOf(result)).toEqual([...drainPath(rounds, S.release), S.check, S.drained, ...afterEnd(S.succeeded)]);
    const beforeRelease = lastInputOf(result, S.release) as { check: { waitedSeconds: number; releaseDue: boolean } };
    expect(beforeRelease.check).toMatchObject({ releaseDue: true });
    expect(beforeRelease.check.waitedSeconds).toBeGreaterThanOrEqual(5);
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped' });
    expect(output.releasedCallbackSteps).toEqual([
      { stepName: CALLBACK, releasedAt: expect.any(String), callbackToken: expect.stringMatching(/^\*+.{1,4}$/), result: 'Released' },
    ]);
    expect(output.steps).toContainEqual(expect.objectContaining({ name: CALLBACK, type: 'Callback', status: 'Failed' }));
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    const [failure, ...more] = sentFailures();
    expect(more).toHaveLength(0);
    expect(failure?.CallbackToken).toBe(TOKEN);
    expect(failure?.FailureReason).toHaveLength(256);
    expect(failure?.FailureReason).toMatch(/^Released by graceful stop after 5 s .*: Budget exceeded: x+/);
    expect(failure?.ClientRequestToken).toMatch(/^[A-Za-z0-9-]{32,128}$/);
    expect(execution.status).toBe('Stopped');
  });

  it('releases nothing when the consumer answers the Stopping message within the grace period', async () => {
    // Prepare
    const execution = new FakeExecution([callbackStep(CALLBACK, 'Executing', TOKEN)]);
    execution.onDescribe = (count) => {
      if (count === 2) execution.consumerAnswers(TOKEN);
    };

    // Act
    const result = await machine.run(
      { pipelineExecutionArn: EXECUTION_ARN, maxWaitSeconds: 600, releaseCallbacksAfterSeconds: 300 },
      SCALED,
    );

    // Assess
    const output = expectSucceeded(result);
    expect(pathOf(result)).toEqual(drainPath(1, ...afterEnd(S.succeeded)));
    expect(output).toMatchObject({
      outcome: 'Stopped',
      releasedCallbackSteps: [],
      steps: [{ name: CALLBACK, type: 'Callback', status: 'Stopped' }],
    });
    expect(sentFailures()).toHaveLength(0);
  });

  it('counts a token the consumer closed first as AlreadyClosed and still ends Stopped', async () => {
    // Prepare
    const execution = new FakeExecution([callbackStep(CALLBACK, 'Executing', TOKEN)]);
    execution.consumerAnswersDuringRelease = true;

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN, maxWaitSeconds: 600, releaseCallbacksAfterSeconds: 3 }, SCALED);

    // Assess
    const output = expectSucceeded(result) as { releasedCallbackSteps: unknown[] };
    const rounds = timesEntered(result, S.wait);
    expect(pathOf(result)).toEqual([...drainPath(rounds, S.release), S.check, S.drained, ...afterEnd(S.succeeded)]);
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped' });
    expect(output.releasedCallbackSteps).toEqual([
      { stepName: CALLBACK, releasedAt: expect.any(String), callbackToken: expect.not.stringContaining(TOKEN), result: 'AlreadyClosed' },
    ]);
    expect(sentFailures()).toHaveLength(1);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('waits instead of looping through Release Callback Steps while a draining callback step has no token yet', async () => {
    // Prepare
    const execution = new FakeExecution([callbackStep(CALLBACK, 'Starting', undefined)]);
    execution.onDescribe = (count) => {
      if (count < 4) return;
      execution.steps[0]!.StepStatus = 'Stopped';
      execution.status = 'Stopped';
    };

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN, maxWaitSeconds: 600, releaseCallbacksAfterSeconds: 0 }, SCALED);

    // Assess
    const output = expectSucceeded(result);
    expect(pathOf(result)).toEqual(drainPath(3, ...afterEnd(S.succeeded)));
    expect(output).toMatchObject({ outcome: 'Stopped', releasedCallbackSteps: [] });
    expect(sentFailures()).toHaveLength(0);
  });

  it('releases at once with a zero grace period when the stop is already draining under another stop request', async () => {
    // Prepare
    const execution = new FakeExecution([callbackStep(CALLBACK, 'Stopping', TOKEN)]);
    execution.status = 'Stopping';

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN, maxWaitSeconds: 600, releaseCallbacksAfterSeconds: 0 }, SCALED);

    // Assess
    const output = expectSucceeded(result);
    expect(pathOf(result)).toEqual([...START, S.check, S.drained, S.release, S.check, S.drained, ...afterEnd(S.succeeded)]);
    expect(output).toMatchObject({
      outcome: 'Stopped',
      releasedCallbackSteps: [{ stepName: CALLBACK, result: 'Released' }],
    });
    expect(sagemaker.commandCalls(StopPipelineExecutionCommand)).toHaveLength(1);
    expect(sentFailures()).toHaveLength(1);
  });
});

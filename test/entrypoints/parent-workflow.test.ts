/**
 * Entry point "parent workflow": statemachine/example-parent.asl.json on the
 * embedded engine, its startExecution.sync:2 task running the real
 * graceful-stop ASL in-process (local/engine/nested-execution.ts) with the
 * source handlers and SageMaker mocked. Asserts the parent's path and what
 * the child's named failures look like from the parent.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { createExampleParentMachine } from '#local/engine/example-parent.js';
import { createGracefulStopMachine } from '#local/engine/graceful-stop.js';
import type { RunResult } from '#local/engine/runner.js';
import { EXECUTION_ARN, FAST, lambdaStep, notFound } from '#test/support/state-machine-paths.js';
import { caught, pathOf } from '#test/support/run-path.js';

// The handlers measure the drain deadline with the real clock scaled by GRACEFUL_STOP_TIME_SCALE,
// read at import: 1 simulated second = 1 ms, as for FAST's Wait states.
vi.stubEnv('GRACEFUL_STOP_TIME_SCALE', '1000');
const { sourceHandlers } = await import('#test/support/source-handlers.js');
afterAll(() => vi.unstubAllEnvs());

const sagemaker = mockClient(SageMakerClient);
const eventBridge = mockClient(EventBridgeClient);

const P = {
  stop: 'Gracefully Stop Pipeline Execution',
  stopped: 'Pipeline Execution Stopped',
  read: 'Read Child Failure',
  why: 'Why Did The Stop Fail?',
  endedFailed: 'Pipeline Execution Ended Failed',
  nothing: 'Nothing To Stop',
  notRunning: 'Pipeline Execution Not Running',
  escalate: 'Escalate Drain Timeout',
  failed: 'Graceful Stop Failed',
} as const;

function parentWithChild(): { run: (input: unknown) => Promise<{ parent: RunResult; children: RunResult[] }> } {
  const child = createGracefulStopMachine(sourceHandlers);
  return {
    async run(input) {
      const children: RunResult[] = [];
      const parent = createExampleParentMachine(child, { runOptions: FAST, onChildFinished: (result) => children.push(result) });
      return { parent: await parent.run(input, FAST), children };
    },
  };
}

describe('example parent workflow (startExecution.sync:2) on the embedded engine', () => {
  const machine = parentWithChild();

  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
  });

  it('receives the child output document as JSON and links the child to the parent execution', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker
      .on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Stopping' })
      .resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [lambdaStep('Score', 'Succeeded')] });

    // Act
    const { parent, children } = await machine.run({ pipelineExecutionArn: EXECUTION_ARN });

    // Assess
    expect(parent.status).toBe('SUCCEEDED');
    expect(pathOf(parent)).toEqual([P.stop, P.stopped]);
    expect(children).toHaveLength(1);
    const [child] = children as [RunResult];
    expect(child.status).toBe('SUCCEEDED');
    expect(parent.output).toMatchObject({
      pipelineExecutionArn: EXECUTION_ARN,
      gracefulStop: {
        childExecutionArn: child.executionArn,
        outcome: 'Stopped',
        finalStatus: 'Stopped',
        document: { pipelineExecutionArn: EXECUTION_ARN, outcome: 'Stopped', reason: 'Stopped by the example parent workflow' },
      },
    });
    const childInput = child.events.find((event) => event.type === 'ExecutionStarted') as { input?: Record<string, unknown> } | undefined;
    expect(childInput?.input).toEqual({
      pipelineExecutionArn: EXECUTION_ARN,
      reason: 'Stopped by the example parent workflow',
      maxWaitSeconds: 900,
      AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: parent.executionArn,
    });
  });

  it('catches a child PipelineExecutionFailed as States.TaskFailed whose Cause is the child DescribeExecution JSON', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Failed', FailureReason: 'Step failure' });
    sagemaker
      .on(ListPipelineExecutionStepsCommand)
      .resolves({ PipelineExecutionSteps: [lambdaStep('Score', 'Failed', 'Lambda step timed out after 120 seconds')] });

    // Act
    const { parent, children } = await machine.run({ pipelineExecutionArn: EXECUTION_ARN });

    // Assess
    const [child] = children as [RunResult];
    expect(child.error).toBe('PipelineExecutionFailed');
    expect(pathOf(parent)).toEqual([P.stop, caught(P.stop), P.read, P.why, P.endedFailed, P.notRunning]);
    expect(parent.status).toBe('SUCCEEDED');
    const readInput = parent.events.find((event) => event.type === 'StateEntered' && event.state?.name === P.read)?.state?.input as {
      gracefulStopFailure: { Error: string; Cause: string };
    };
    expect(readInput.gracefulStopFailure.Error).toBe('States.TaskFailed');
    expect(JSON.parse(readInput.gracefulStopFailure.Cause)).toMatchObject({
      ExecutionArn: child.executionArn,
      Status: 'FAILED',
      Error: 'PipelineExecutionFailed',
      Cause: child.cause,
    });
    expect(parent.output).toMatchObject({ pipelineExecutionArn: EXECUTION_ARN, endedFailed: true, cause: child.cause });
    expect(child.cause).toContain("Lambda step 'Score' failed");
  });

  it('treats a child PipelineExecutionNotFound as nothing to stop', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).rejects(notFound());

    // Act
    const { parent, children } = await machine.run({ pipelineExecutionArn: EXECUTION_ARN });

    // Assess
    expect((children[0] as RunResult).error).toBe('PipelineExecutionNotFound');
    expect(pathOf(parent)).toEqual([P.stop, caught(P.stop), P.read, P.why, P.nothing, P.notRunning]);
    expect(parent.output).toMatchObject({ notFound: true });
  });

  it('escalates a child DrainTimedOut as GracefulStopTimedOut with the child cause naming the draining step', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopping' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [lambdaStep('LongExport', 'Executing')] });

    // Act
    const { parent, children } = await machine.run({ pipelineExecutionArn: EXECUTION_ARN });

    // Assess
    const [child] = children as [RunResult];
    expect(child.error).toBe('DrainTimedOut');
    expect(pathOf(parent)).toEqual([P.stop, caught(P.stop), P.read, P.why, P.escalate]);
    expect(parent.status).toBe('FAILED');
    expect(parent.error).toBe('GracefulStopTimedOut');
    expect(parent.cause).toBe(child.cause);
    expect(parent.cause).toContain('LongExport');
  });

  it('fails with GracefulStopFailed and the child DescribeExecution JSON as the cause for any other named failure', async () => {
    // Prepare
    const input = { pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-model' };

    // Act
    const { parent, children } = await machine.run(input);

    // Assess
    const [child] = children as [RunResult];
    expect(child.error).toBe('InvalidInput');
    expect(pathOf(parent)).toEqual([P.stop, caught(P.stop), P.read, P.why, P.failed]);
    expect(parent.error).toBe('GracefulStopFailed');
    expect(JSON.parse(parent.cause ?? '')).toMatchObject({ Status: 'FAILED', Error: 'InvalidInput', Cause: child.cause });
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

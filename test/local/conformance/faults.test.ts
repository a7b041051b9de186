import {
  CreatePipelineCommand,
  DescribePipelineCommand,
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { definition, jobStep } from '#test/support/conformance-definitions.js';
import { ROLE_ARN, startHarness, uniqueName, type Harness } from '#test/support/conformance-harness.js';
import { adminCall } from '#test/support/raw-requests.js';
import { waitForExecutionStatus } from '#test/support/sagemaker-waits.js';

let harness: Harness;
let pipelineName: string;
beforeAll(async () => {
  harness = await startHarness({ timeScale: 100 });
  pipelineName = uniqueName('faults');
  await harness.sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: pipelineName,
      RoleArn: ROLE_ARN,
      PipelineDefinition: definition([jobStep('Train', 'Training', { DurationSeconds: 1_000 })]),
    }),
  );
});
afterEach(() => {
  harness.simulator.faults.clear();
});
afterAll(async () => {
  await harness.close();
});

/** A cheap call that succeeds when no fault is armed. */
const describePipeline = () => harness.sagemakerNoRetry.send(new DescribePipelineCommand({ PipelineName: pipelineName }));

async function startExecution(): Promise<string> {
  const { PipelineExecutionArn } = await harness.sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineName }));
  return PipelineExecutionArn ?? '';
}

describe('throttling', () => {
  it('throttles the next N calls with ThrottlingException "Rate exceeded", then recovers', async () => {
    // Prepare
    harness.simulator.faults.set('DescribePipeline', { throttle: { nextCalls: 2 } });

    // Act
    const first = describePipeline();
    await expect(first).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    const second = describePipeline();
    await expect(second).rejects.toMatchObject({ name: 'ThrottlingException' });
    const third = await describePipeline();

    // Assess
    expect(third.PipelineName).toBe(pipelineName);
    expect(harness.simulator.faults.list()).toEqual({});
  });

  it('throttles calls above the TPS limit within one second', async () => {
    // Prepare
    harness.simulator.faults.set('DescribePipeline', { throttle: { tps: 2 } });

    // Act
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => describePipeline()));

    // Assess
    const throttled = results.filter((r) => r.status === 'rejected' && (r.reason as Error).name === 'ThrottlingException');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(throttled).toHaveLength(4);
  });

  it('is survived by the SDK default retry strategy', async () => {
    // Prepare
    harness.simulator.faults.set('DescribePipeline', { throttle: { nextCalls: 1 } });

    // Act
    const described = await harness.sagemaker.send(new DescribePipelineCommand({ PipelineName: pipelineName }));

    // Assess
    expect(described.PipelineName).toBe(pipelineName);
  });
});

describe('server and network faults', () => {
  it('answers HTTP 500 InternalFailure for the next N calls', async () => {
    // Prepare
    harness.simulator.faults.set('DescribePipeline', { serverError: { nextCalls: 1 } });

    // Act
    const call = describePipeline();

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    await expect(describePipeline()).resolves.toMatchObject({ PipelineName: pipelineName });
  });

  it('resets the connection without answering', async () => {
    // Prepare
    harness.simulator.faults.set('DescribePipeline', { connectionReset: { nextCalls: 1 } });

    // Act
    const call = describePipeline();

    // Assess
    await expect(call).rejects.toMatchObject({ message: expect.stringMatching(/socket hang up|ECONNRESET/) });
    await expect(describePipeline()).resolves.toMatchObject({ PipelineName: pipelineName });
  });

  it('adds latency to every call until cleared', async () => {
    // Prepare
    harness.simulator.faults.set('DescribePipeline', { latencyMs: 250 });

    // Act
    const startedAt = Date.now();
    await describePipeline();
    const elapsed = Date.now() - startedAt;

    // Assess
    expect(elapsed).toBeGreaterThanOrEqual(240);
  });
});

describe('service errors', () => {
  it('answers ConflictException to the next stops, and a retry with the same token then stops the run', async () => {
    // Prepare
    const arn = await startExecution();
    const stop = () =>
      harness.sagemakerNoRetry.send(
        new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: 'conflict-token-0123456789abcdef-01234567' }),
      );
    harness.simulator.faults.set('StopPipelineExecution', { conflict: { nextCalls: 2 } });

    // Act
    await expect(stop()).rejects.toMatchObject({ name: 'ConflictException' });
    await expect(stop()).rejects.toMatchObject({ name: 'ConflictException' });
    const stopped = await stop();

    // Assess
    expect(stopped.PipelineExecutionArn).toBe(arn);
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');
  });

  it('answers AccessDeniedException for the next N calls', async () => {
    // Prepare
    harness.simulator.faults.set('DescribePipeline', { accessDenied: { nextCalls: 1 } });

    // Act
    const call = describePipeline();

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('sagemaker:DescribePipeline'),
    });
  });

  it("applies '*' faults to every operation and an operation's own rule first", async () => {
    // Prepare
    harness.simulator.faults.set('*', { accessDenied: { nextCalls: 2 } });
    harness.simulator.faults.set('DescribePipeline', { serverError: { nextCalls: 1 } });

    // Act
    const own = describePipeline();
    await expect(own).rejects.toMatchObject({ name: 'InternalFailure' });
    const wildcard = describePipeline();
    await expect(wildcard).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const otherOperation = harness.sagemakerNoRetry.send(new ListPipelineExecutionsCommand({ PipelineName: pipelineName }));

    // Assess
    await expect(otherOperation).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(describePipeline()).resolves.toMatchObject({ PipelineName: pipelineName });
  });

  it('rejects an invalid fault spec in code with FaultSpecError', () => {
    // Act
    const unknownOperation = () => harness.simulator.faults.set('DescribeEverything', { latencyMs: 1 });
    const badCount = () => harness.simulator.faults.set('*', { serverError: { nextCalls: 0 } });

    // Assess
    expect(unknownOperation).toThrow(expect.objectContaining({ name: 'FaultSpecError' }));
    expect(unknownOperation).toThrow(/Unknown operation 'DescribeEverything'/);
    expect(badCount).toThrow(/serverError.nextCalls must be a positive integer/);
  });
});

describe('admin HTTP API', () => {
  it('arms, lists and clears faults over HTTP', async () => {
    // Act
    const armed = await adminCall(harness.simulator.endpoint, 'POST', '/_simulator/faults', {
      operation: 'DescribePipeline',
      throttle: { nextCalls: 1 },
    });
    const listed = await adminCall(harness.simulator.endpoint, 'GET', '/_simulator/faults');
    const throttled = describePipeline();
    await expect(throttled).rejects.toMatchObject({ name: 'ThrottlingException' });
    await adminCall(harness.simulator.endpoint, 'POST', '/_simulator/faults', { operation: '*', latencyMs: 5 });
    const cleared = await adminCall(harness.simulator.endpoint, 'DELETE', '/_simulator/faults');

    // Assess
    expect(armed.status).toBe(200);
    expect(listed.body).toEqual({ faults: { DescribePipeline: { throttle: { nextCalls: 1 } } } });
    expect(cleared.body).toEqual({ faults: {} });
  });

  it.each([
    ['malformed JSON', '{"operation": ', /Malformed request body/],
    ['no operation', { throttle: { nextCalls: 1 } }, /"operation" is required/],
    ['an unknown operation', { operation: 'ListTrainingJobs', latencyMs: 1 }, /Unknown operation 'ListTrainingJobs'/],
    ['an unknown fault', { operation: '*', explode: true }, /Unknown fault 'explode'/],
    ['a negative count', { operation: '*', conflict: { nextCalls: -1 } }, /conflict.nextCalls must be a positive integer/],
    ['an empty throttle', { operation: '*', throttle: {} }, /throttle needs "tps" and\/or "nextCalls"/],
    ['a huge latency', { operation: '*', latencyMs: 3_600_000 }, /latencyMs must be a number between 0 and 60000/],
  ])('rejects %s with HTTP 400 and a clear message', async (label, body, message) => {
    // Act
    const answer = await adminCall(harness.simulator.endpoint, 'POST', '/_simulator/faults', body);

    // Assess: a body that is not JSON cannot be read at all (as on the SageMaker API); the rest break a rule
    expect(answer.status).toBe(400);
    expect(answer.body['__type']).toBe(label === 'malformed JSON' ? 'SerializationException' : 'ValidationException');
    expect(answer.body['message']).toMatch(message);
  });

  it('reports calls by operation, errors and injected faults in stats', async () => {
    // Prepare
    harness.simulator.faults.set('DescribePipeline', { serverError: { nextCalls: 1 } });
    const before = harness.simulator.stats();
    await expect(describePipeline()).rejects.toMatchObject({ name: 'InternalFailure' });
    await describePipeline();

    // Act
    const answer = await adminCall(harness.simulator.endpoint, 'GET', '/_simulator/stats');

    // Assess
    const after = answer.body as unknown as ReturnType<Harness['simulator']['stats']>;
    expect(after.callsByOperation['DescribePipeline']).toBe((before.callsByOperation['DescribePipeline'] ?? 0) + 2);
    expect(after.faultsInjected['serverError']).toBe((before.faultsInjected['serverError'] ?? 0) + 1);
    expect(after.errorsByCode['InternalFailure']).toBe((before.errorsByCode['InternalFailure'] ?? 0) + 1);
    expect(after.pipelines).toBeGreaterThanOrEqual(1);
  });
});

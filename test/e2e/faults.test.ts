/**
 * Issue 3, end to end: SageMaker failing during a graceful stop — HTTP 500
 * bursts and dropped connections, injected by the simulator — must not
 * change how it ends. The SDK's own retries absorb short bursts; a longer one
 * reaches the ASL Retry (its intervals shortened to 20 ms here). Simulated
 * time runs 20× faster. Throttling has its own file (throttling.test.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBed, type TestBed } from './support/bed.js';
import { drainingExecution, expectStoppedCleanly } from './support/draining.js';
import { statsDelta } from './support/expectations.js';
import { S, pathOf, retried } from './support/path.js';

const TIME_SCALE = 20;
let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed({ timeScale: TIME_SCALE });
});
afterEach(async () => {
  bed.stack.simulator.faults.clear();
  await bed.stopConsumers();
});
afterAll(async () => {
  await bed?.close();
});

describe('Graceful stop under SageMaker server errors', () => {
  it('ends Stopped after HTTP 500 bursts, retrying Check Pipeline Execution in the state machine once the SDK gives up', async () => {
    // Prepare
    const arn = await drainingExecution(bed, 'server-error', 60);
    const { faults } = bed.stack.simulator;
    faults.set('StopPipelineExecution', { serverError: { nextCalls: 2 } });
    // More than the SDK's 5 attempts: the handler fails with InternalFailure once and the ASL Retry runs it again.
    faults.set('DescribePipelineExecution', { serverError: { nextCalls: 6 } });
    const before = bed.stack.simulator.stats();

    // Act
    const result = await bed.run({ pipelineExecutionArn: arn, maxWaitSeconds: 600 });

    // Assess
    expectStoppedCleanly(result, arn);
    expect(pathOf(result).filter((state) => state.startsWith('retried: '))).toEqual([retried(S.check)]);
    expect(faults.list()).toEqual({});
    const delta = statsDelta(before, bed.stack.simulator.stats());
    expect(delta.faults).toEqual({ serverError: 8 });
    expect(delta.errors).toEqual({ InternalFailure: 8 });
    expect(delta.calls.StopPipelineExecution).toBe(3);
  });
});

describe('Graceful stop over dropped connections', () => {
  it('ends Stopped when connections to SageMaker are reset during the stop and the step listing', async () => {
    // Prepare
    const arn = await drainingExecution(bed, 'connection-reset', 40);
    const { faults } = bed.stack.simulator;
    faults.set('StopPipelineExecution', { connectionReset: { nextCalls: 2 } });
    faults.set('ListPipelineExecutionSteps', { connectionReset: { nextCalls: 2 } });
    const before = bed.stack.simulator.stats();

    // Act
    const result = await bed.run({ pipelineExecutionArn: arn, maxWaitSeconds: 600 });

    // Assess
    expectStoppedCleanly(result, arn);
    expect(faults.list()).toEqual({});
    const delta = statsDelta(before, bed.stack.simulator.stats());
    expect(delta.faults).toEqual({ connectionReset: 2 + 2 });
    expect(delta.calls.StopPipelineExecution).toBe(3);
    expect(delta.errors).toEqual({});
  });
});

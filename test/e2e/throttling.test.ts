/**
 * End to end: SageMaker throttling during a graceful stop (a TPS
 * limit, then bursts of ThrottlingException) must not change how it ends.
 *
 * Its own file on purpose: the handlers' SDK clients use adaptive retry mode,
 * whose client-side rate limiter remembers throttling for the life of the
 * (module-scoped) client — as in a warm Lambda container — and would slow
 * every later test of the same process. Throttling backoff is real time
 * (not scaled), so the bursts stay short, and the TPS test runs first, on fresh
 * clients. Simulated time runs 20× faster.
 */
import { describe, expect, it } from 'vitest';
import { useTestCloud } from '#test/support/test-cloud.js';
import { drainingExecution, expectStoppedCleanly } from '#test/support/draining.js';
import { statsDelta } from '#test/support/expectations.js';

const TIME_SCALE = 20;
const testBed = useTestCloud({ timeScale: TIME_SCALE });

describe('Graceful stop under SageMaker throttling', () => {
  it('ends Stopped under a TPS limit on DescribePipelineExecution and ListPipelineExecutionSteps for the whole drain', async () => {
    // Prepare
    const arn = await drainingExecution(testBed(), 'throttle-tps', 40);
    testBed().emulators.simulator.faults.set('DescribePipelineExecution', { throttle: { tps: 4 } });
    testBed().emulators.simulator.faults.set('ListPipelineExecutionSteps', { throttle: { tps: 4 } });
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 600 });

    // Assess
    expectStoppedCleanly(result, arn);
    const delta = statsDelta(before, testBed().emulators.simulator.stats());
    // The limit really bit: at 20× an unthrottled drain polls far more often than 4 times a second.
    expect(delta.faults.throttle).toBeGreaterThan(0);
    expect(delta.errors).toEqual({ ThrottlingException: delta.faults.throttle });
  });

  it('ends Stopped after throttling bursts on StopPipelineExecution, DescribePipelineExecution and ListPipelineExecutionSteps', async () => {
    // Prepare
    const arn = await drainingExecution(testBed(), 'throttle-burst', 40);
    const { faults } = testBed().emulators.simulator;
    // Short bursts: after a throttle, adaptive retry mode paces the client at as little as
    // 0.5 requests per second, in real time, so each throttled call costs seconds.
    faults.set('StopPipelineExecution', { throttle: { nextCalls: 1 } });
    faults.set('DescribePipelineExecution', { throttle: { nextCalls: 2 } });
    faults.set('ListPipelineExecutionSteps', { throttle: { nextCalls: 1 } });
    const before = testBed().emulators.simulator.stats();

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 600 });

    // Assess
    expectStoppedCleanly(result, arn, 'any');
    expect(faults.list()).toEqual({});
    const delta = statsDelta(before, testBed().emulators.simulator.stats());
    expect(delta.faults).toEqual({ throttle: 4 });
    expect(delta.errors).toEqual({ ThrottlingException: 4 });
    // One throttled attempt, then the one that stopped the run: no second stop, no ValidationException.
    expect(delta.calls.StopPipelineExecution).toBe(2);
  });
});

/**
 * A stop that lands while the run is between two steps: SageMaker answers ConflictException (the
 * simulator does so by itself during its transition between steps); the graceful stop retries it by
 * name until the next step has started, then drains the run to Stopped. Built bundles, simulator, engine.
 */
import { describe, expect, it } from 'vitest';
import { STEP_STATUS_CHANGE } from '#local/simulator/index.js';
import { jobStep, useTestCloud } from '#test/support/test-cloud.js';
import { expectSucceeded } from '#test/support/expectations.js';

// The transition lasts 5 s of real time (50 simulated s at K = 10): the graceful stop, started the
// moment the first step ends, lands inside it on a busy machine too. Its retries come 2 s apart
// (six attempts in all), so the later ones surely come after the next step has started.
const testBed = useTestCloud({ timeScale: 10, stepTransitionSeconds: 50, retryIntervalMs: 2_000 });

describe('a stop that lands between two steps', () => {
  it('is retried past the ConflictException until the next step has started, then drains the run to Stopped', async () => {
    // Prepare: start the graceful stop the moment the first step ends
    const firstEnded = new Promise<void>((resolve) => {
      const stopObserving = testBed().emulators.simulator.observeEvents((event) => {
        if (
          event['detail-type'] === STEP_STATUS_CHANGE &&
          event.detail['stepName'] === 'First' &&
          event.detail['currentStepStatus'] === 'Succeeded'
        ) {
          stopObserving();
          resolve();
        }
      });
    });
    const arn = await testBed().startExecution('between-steps', [
      jobStep('First', { DurationSeconds: 20 }, 'Processing'),
      { ...jobStep('Second', { DurationSeconds: 36_000, StopDurationSeconds: 2 }), DependsOn: ['First'] },
    ]);
    await firstEnded;

    // Act
    const result = await testBed().run({ pipelineExecutionArn: arn, maxWaitSeconds: 600 });

    // Assess
    const output = expectSucceeded(result);
    expect(output.outcome).toBe('Stopped');
    expect(testBed().emulators.simulator.stats().errorsByCode['ConflictException']).toBeGreaterThanOrEqual(1);
    const retried = result.events.filter((event) => event.type === 'StateRetried' && event.state?.name === 'Stop Pipeline Execution');
    expect(retried.length).toBeGreaterThanOrEqual(1);
    const steps = await testBed().steps(arn);
    expect(Object.fromEntries(steps.map((step) => [step.StepName, step.StepStatus]))).toEqual({ First: 'Succeeded', Second: 'Stopped' });
  });
});

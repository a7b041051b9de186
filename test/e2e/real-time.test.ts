/**
 * The real-time (time scale 1) part of the e2e suite, in one file so its
 * waits overlap:
 *
 * 1. Issue 3's "Done when": `npm start` (runDemo() with its default
 *    scenario) tells the whole story and ends as expected in under 15 s.
 * 2. Every other demo scenario (`graceful-stop demo --scenario NAME --json`)
 *    ends as it expects. They run as child processes of the built CLI, started
 *    once the default demo has requested its stop (its CPU-heavy start, which
 *    loads the bundles, is over), so they overlap with its drain and with the
 *    measurement.
 * 3. Issue 4's measurement: stop → Stopped with a silent callback consumer and
 *    a 5 s grace period, printed in a line starting with "[measurement]".
 *
 * In-process, the handler bundles resolve their SageMaker endpoint on their
 * first call and Node caches them: after runDemo() they stay bound to the
 * demo's (closed) stack. So the module registry is reset (vi.resetModules)
 * before the measurement loads its own test bed and fresh bundles.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runDemo } from '../../local/demo/demo.js';
import { DEMO_SCENARIOS } from '../../local/demo/scenarios.js';
import type { TestBed } from './support/bed.js';
import { runCli, type CliRun } from './support/cli.js';
import { expectSucceeded } from './support/expectations.js';
import { S, timesEntered, type OutputDocument } from './support/path.js';
import { waitFor, within } from './support/wait.js';

const DEFAULT_SCENARIO = 'callback-and-lambda';
const otherScenarios = Object.keys(DEMO_SCENARIOS).filter((name) => name !== DEFAULT_SCENARIO);
const scenarioRuns = new Map<string, Promise<CliRun>>();
let bed: TestBed | undefined;

/** Starts the other scenarios' CLI processes (once); real time for them: no scaled handler clock. */
function startOtherScenarios(): void {
  if (scenarioRuns.size > 0) return;
  for (const name of otherScenarios) {
    scenarioRuns.set(name, runCli(['demo', '--scenario', name, '--json'], { env: { GRACEFUL_STOP_TIME_SCALE: '' }, timeoutMs: 25_000 }));
  }
}

afterAll(async () => {
  await Promise.allSettled(scenarioRuns.values());
  await bed?.close();
});

describe('npm start (the default demo scenario)', () => {
  it('tells the graceful stop of the demo pipeline end to end and ends Stopped as expected, in under 15 s', async () => {
    // Prepare
    const lines: string[] = [];
    const out = (line: string): void => {
      lines.push(line);
      // Once the stop is requested the demo only waits: a good moment to start the others.
      if (/stop requested for|stop not needed/.test(line)) startOtherScenarios();
    };
    const started = Date.now();

    // Act
    const result = await within('the default demo', runDemo({ out }), 25_000);
    const wallSeconds = (Date.now() - started) / 1000;

    // Assess
    console.log(`[measurement] demo (default scenario, runDemo in-process) wall time ${wallSeconds.toFixed(1)} s`);
    expect(result).toMatchObject({ scenario: DEFAULT_SCENARIO, asExpected: true });
    expect(DEMO_SCENARIOS[DEFAULT_SCENARIO]?.expect).toEqual({ outcome: 'Stopped' });
    expect(result.outcome.status).toBe('SUCCEEDED');
    const output = result.outcome.output as OutputDocument;
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped', releasedCallbackSteps: [] });
    expect(output.steps.map(({ name, type, status }) => ({ name, type, status })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'Evaluate', type: 'Lambda', status: 'Succeeded' },
      { name: 'Preprocess', type: 'ProcessingJob', status: 'Succeeded' },
      { name: 'WaitForApproval', type: 'Callback', status: 'Stopped' },
    ]);
    expect(wallSeconds).toBeLessThan(15);
    // The story, in order: the stack, the pipeline, the stop, the consumer's answer, the drain, the verdict.
    const story = [
      /SageMaker simulator on http:\/\/127\.0\.0\.1:\d+, SQS emulator on http:\/\/127\.0\.0\.1:\d+/,
      /pipeline created: /,
      /execution started: /,
      /graceful stop started: /,
      /callback consumer received a "Stopping" message: cleaning up and acknowledging the stop/,
      /draining: Lambda step 'Evaluate'/,
      /outcome Stopped \(final status Stopped\)/,
      /as expected for this scenario/,
    ];
    let from = 0;
    for (const pattern of story) {
      const at = lines.findIndex((line, index) => index >= from && pattern.test(line));
      expect(at, `a line matching ${pattern} after line ${from} of:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
      from = at + 1;
    }
  });
});

describe('Graceful stop with a silent callback consumer and a 5 s grace period, in real time', () => {
  it('reaches Stopped just after the grace period and reports it within one poll interval', async () => {
    // Prepare
    const GRACE_SECONDS = 5;
    vi.resetModules();
    const { callbackStep, silentConsumer, startTestBed } = await import('./support/bed.js');
    bed = await startTestBed({ timeScale: 1 });
    const { queueUrl } = await bed.callbackQueue('timing');
    const silent = silentConsumer();
    const poller = bed.consume(queueUrl, silent.handler);
    const arn = await bed.startExecution('timing', [callbackStep('AwaitApproval', queueUrl)]);
    await bed.waitForSteps(arn, ['AwaitApproval']);
    await waitFor('the Executing message to be consumed', () => poller.stats().deleted, (deleted) => deleted >= 1);

    // Act
    const started = Date.now();
    const result = await bed.run({ pipelineExecutionArn: arn, reason: 'e2e: timing', maxWaitSeconds: 60, releaseCallbacksAfterSeconds: GRACE_SECONDS });
    const ended = Date.now();

    // Assess
    const output = expectSucceeded(result);
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped' });
    expect(output.releasedCallbackSteps).toEqual([expect.objectContaining({ stepName: 'AwaitApproval', result: 'Released' })]);
    expect(timesEntered(result, S.release)).toBe(1);
    expect(silent.seen).toEqual(['Executing', 'Stopping']);
    const stopRequestedAt = Date.parse(output.stopRequestedAt ?? '');
    const releasedAt = Date.parse(output.releasedCallbackSteps[0]?.releasedAt ?? '');
    const sageMakerStoppedAt = (await bed.describe(arn)).LastModifiedTime?.getTime() ?? Number.NaN;
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

describe('graceful-stop demo --scenario NAME (the other scenarios)', () => {
  it('has the silent-consumer, lambda-timeout and already-stopped scenarios besides the default', () => {
    expect(otherScenarios).toEqual(expect.arrayContaining(['silent-consumer', 'lambda-timeout', 'already-stopped']));
  });

  it.each(otherScenarios)('ends scenario %s as the scenario expects', async (name) => {
    // Prepare
    startOtherScenarios(); // no-op unless the default demo failed before starting them
    const expected = DEMO_SCENARIOS[name]?.expect ?? {};

    // Act
    const run = await (scenarioRuns.get(name) ?? Promise.reject(new Error(`scenario ${name} was not started`)));

    // Assess
    const diagnostics = `exit ${run.exitCode} (${run.signal ?? 'no signal'}) after ${run.wallSeconds} s\nstderr: ${run.stderr.slice(-2000)}\nstdout: ${run.stdout.slice(-2000)}`;
    expect(run.exitCode, diagnostics).toBe(0);
    const document = JSON.parse(run.stdout) as Partial<OutputDocument> & { error?: string; cause?: string };
    if (expected.error) {
      expect(document.error).toBe(expected.error);
      expect(document.cause).toMatch(/^[A-Z].*\[pipelineExecutionArn=arn:aws:sagemaker:us-east-1:123456789012:pipeline\/demo-training\/execution\/\w+, /);
    } else {
      expect(document).toMatchObject({ outcome: expected.outcome, pipelineName: 'demo-training' });
    }
  });
});

/**
 * The real-time (time scale 1) part of the e2e suite, in one file so its
 * waits overlap:
 *
 * 1. `npm start` (runDemo() with its default
 *    scenario) tells the whole story and ends as expected (about 9 s on an idle machine).
 * 2. Every other demo scenario (`graceful-stop demo --scenario NAME`) ends as
 *    it expects. They run as child processes of the built CLI, so they overlap
 *    with the in-process tests: started once the default demo has requested its
 *    stop (its CPU-heavy start, which loads the bundles, is over), and staggered
 *    (see startOtherScenarios).
 *
 * The force-release measurement in real time lives in release-timing.test.ts: the handler
 * bundles bind their SageMaker endpoint on first use and Node caches them, so
 * after runDemo() it needs a process (test file) of its own.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '#cli/demo/demo.js';
import { DEMO_SCENARIOS } from '#cli/demo/scenarios.js';
import { runCli, type CliRun } from '#test/support/cli-process.js';
import type { OutputDocument } from '#graceful-stop/model.js';
import { waitFor, within } from '#local/bounded.js';

const DEFAULT_SCENARIO = 'callback-and-lambda';
const otherScenarios = Object.keys(DEMO_SCENARIOS).filter((name) => name !== DEFAULT_SCENARIO);
const scenarioRuns = new Map<string, Promise<CliRun>>();
const scenarioStartedAt = new Map<string, number>();
const fileStartedAt = Date.now();

/** The scenario whose Lambda step times out after 4 s: its stop must come before that, so it starts alone. */
const TIMING_SENSITIVE = 'lambda-timeout';

function startScenario(name: string, onStopRequested?: () => void): void {
  if (scenarioRuns.has(name)) return;
  let signalled = false;
  const signal = (): void => {
    if (signalled) return;
    signalled = true;
    onStopRequested?.();
  };
  scenarioStartedAt.set(name, Date.now());
  const run = runCli(['demo', '--scenario', name], {
    // Real time for the children: no scaled handler clock.
    env: { GRACEFUL_STOP_TIME_SCALE: '' },
    timeoutMs: 90_000,
    onLine: (line) => {
      if (/stop requested for|stop not needed/.test(line)) signal();
    },
  });
  scenarioRuns.set(name, run);
  run.then(signal, signal);
}

/**
 * Starts the other scenarios' CLI processes (once): the timing-sensitive one
 * first, alone, and the rest once it has requested its stop (or ended), so
 * their CPU-heavy starts do not delay its stop past the Lambda step's timeout.
 */
function startOtherScenarios(): void {
  const rest = otherScenarios.filter((name) => name !== TIMING_SENSITIVE);
  const startRest = (): void => rest.forEach((name) => startScenario(name));
  if (otherScenarios.includes(TIMING_SENSITIVE)) startScenario(TIMING_SENSITIVE, startRest);
  else startRest();
}

/** The scenario's run, once it has been started (bounded) and has ended. */
async function scenarioRun(name: string): Promise<CliRun> {
  await waitFor(`scenario ${name} to start`, () => scenarioRuns.has(name), Boolean, { timeoutMs: 60_000, intervalMs: 100 });
  const run = scenarioRuns.get(name);
  if (!run) throw new Error(`scenario ${name} was not started`);
  return run;
}

afterAll(async () => {
  await Promise.allSettled(scenarioRuns.values());
});

describe('npm start (the default demo scenario)', () => {
  it('tells the graceful stop of the demo pipeline end to end and ends Stopped as expected, without hanging', async () => {
    // Prepare
    const lines: string[] = [];
    const out = (line: string): void => {
      lines.push(line);
      // Once the stop is requested the demo only waits: a good moment to start the others.
      if (/stop requested for|stop not needed/.test(line)) startOtherScenarios();
    };
    const started = Date.now();

    // Act
    const result = await within('the default demo', runDemo({ out, result: (text) => lines.push(...text.split('\n')) }), 90_000);
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
    // A hang-catcher: about 9 s on an idle machine (the drain is real time); how long it takes is measured, not asserted.
    expect(wallSeconds).toBeLessThan(90);
    // The story, in order: the stack, the pipeline, the stop, the consumer's answer, the drain, the verdict.
    const story = [
      /SageMaker simulator on http:\/\/127\.0\.0\.1:\d+, SQS emulator on http:\/\/127\.0\.0\.1:\d+/,
      /pipeline created: /,
      /execution started: /,
      /graceful stop started: /,
      /callback consumer received the "Stopping" message: cleaning up and acknowledging the stop/,
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

describe('graceful-stop demo --scenario NAME (the other scenarios)', () => {
  it('has the silent-consumer, lambda-timeout and already-stopped scenarios besides the default', () => {
    expect(otherScenarios).toEqual(expect.arrayContaining(['silent-consumer', 'lambda-timeout', 'already-stopped']));
  });

  it.each(otherScenarios)('ends scenario %s as the scenario expects', async (name) => {
    // Prepare
    startOtherScenarios(); // no-op unless the default demo failed before starting them
    const expected = DEMO_SCENARIOS[name]?.expect ?? {};

    // Act
    const run = await scenarioRun(name);

    // Assess
    const startedAfter = ((scenarioStartedAt.get(name) ?? fileStartedAt) - fileStartedAt) / 1000;
    console.log(
      `[measurement] demo scenario ${name} (CLI child process, started at +${startedAfter.toFixed(1)} s) wall time ${run.wallSeconds.toFixed(1)} s`,
    );
    const diagnostics = `exit ${run.exitCode} (${run.signal ?? 'no signal'}) after ${run.wallSeconds} s\nstderr: ${run.stderr.slice(-2000)}\nstdout:\n${run.stdout.slice(-4000)}`;
    // A demo that ends as its scenario expects exits 0, a named failure it shows on purpose included.
    expect(run.exitCode, diagnostics).toBe(0);
    // The story on stderr, the result alone on stdout.
    expect(run.stderr.trimEnd().split('\n').at(-1), diagnostics).toMatch(/as expected for this scenario$/);
    const result = run.stdout.trimEnd();
    if (expected.error) {
      expect(result, diagnostics).toMatch(new RegExp(`^FAILED ${expected.error}: `));
    } else {
      expect(result, diagnostics).toMatch(new RegExp(`^outcome ${expected.outcome} \\(final status `));
    }
    expect(run.stdout, 'no timestamped story line on stdout').not.toMatch(/^\[ *\d+\.\ds\]/m);
  });
});

/**
 * What the CLI shows (cli/progress.ts and cli/result-view.ts): the
 * progress lines of each check, the live block on a TTY (redrawn in place)
 * and the plain deduplicated lines elsewhere, the stop and release lines, and
 * the final result as text, JSON and exit code.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GracefulStopState, ReleasedStep } from '#graceful-stop/model.js';
import { type ProgressSink } from '#cli/live-block.js';
import { ProgressView, describeCheck, exitCodeOf, humanResult, type ExecutionLook } from '#cli/stop-view.js';
import { jsonResult, type StopRunOutcome } from '#cli/outcome.js';
import { ARN, T0, checkRecord, outputDocument, request, stepView, stopRecord } from '#test/support/fixtures.js';

const T0_MS = Date.parse(T0);

/** A sink that records every write. */
function recordingSink(isTTY: boolean): ProgressSink & { writes: string[]; text: () => string } {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text), text: () => writes.join('') };
}

/** The output of Check Pipeline Execution, as the state machine passes it on. */
const checkOutput = (check: Parameters<typeof checkRecord>[0]): Partial<GracefulStopState> => ({
  request: request(),
  stop: stopRecord(),
  check: checkRecord(check),
});

describe('describeCheck', () => {
  it('starts with the status, the time waited and the number of polls', () => {
    // Prepare
    const check = checkRecord({ status: 'Stopped', waitedSeconds: 42, polls: 3, draining: [] });
    // Act
    const lines = describeCheck(check, T0_MS);
    // Assess
    expect(lines).toEqual(['status Stopped, waited 42s, 3 poll(s)']);
  });

  it('announces the next check while steps are draining, then one line per draining step with its type, name, status and age', () => {
    // Prepare
    const check = checkRecord({
      status: 'Stopping',
      waitedSeconds: 15,
      polls: 4,
      nextWaitSeconds: 8,
      draining: [
        stepView({ name: 'WaitForApproval', type: 'Callback', status: 'Stopping', startedAt: new Date(T0_MS - 7_000).toISOString() }),
        stepView({ name: 'Evaluate', type: 'Lambda', status: 'Executing', startedAt: new Date(T0_MS - 125_000).toISOString() }),
        stepView({ name: 'Train', type: 'TrainingJob', status: 'Starting', startedAt: new Date(T0_MS - 60_000).toISOString() }),
      ],
    });
    // Act
    const lines = describeCheck(check, T0_MS);
    // Assess
    expect(lines).toEqual([
      'status Stopping, waited 15s, 4 poll(s), next check in 8s',
      "  draining: Callback step 'WaitForApproval' Stopping for 7s",
      "  draining: Lambda step 'Evaluate' Executing for 2m05s",
      "  draining: TrainingJob step 'Train' Starting for 1m00s",
    ]);
  });

  it('leaves out the age of a step that has not started and never shows a negative age', () => {
    // Prepare
    const notStarted = stepView({ name: 'Queued', type: 'ProcessingJob', status: 'Starting' });
    delete notStarted.startedAt;
    const clockSkewed = stepView({ name: 'Ahead', type: 'Lambda', status: 'Executing', startedAt: new Date(T0_MS + 5_000).toISOString() });
    const check = checkRecord({ status: 'Stopping', nextWaitSeconds: 2, draining: [notStarted, clockSkewed] });
    // Act
    const lines = describeCheck(check, T0_MS);
    // Assess
    expect(lines.slice(1)).toEqual([
      "  draining: ProcessingJob step 'Queued' Starting",
      "  draining: Lambda step 'Ahead' Executing for 0s",
    ]);
  });

  it('says the deadline has passed instead of announcing a next check', () => {
    // Prepare
    const check = checkRecord({
      status: 'Stopping',
      waitedSeconds: 900,
      polls: 61,
      deadlinePassed: true,
      nextWaitSeconds: 20,
      draining: [stepView({ name: 'WaitForApproval', type: 'Callback', status: 'Stopping', startedAt: T0 })],
    });
    // Act
    const lines = describeCheck(check, T0_MS + 900_000);
    // Assess
    expect(lines).toEqual([
      'status Stopping, waited 900s, 61 poll(s), deadline passed',
      "  draining: Callback step 'WaitForApproval' Stopping for 15m00s",
    ]);
  });
});

describe('ProgressView', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0_MS);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('on a pipe or a file (not a TTY)', () => {
    it('prints each check as plain lines without any escape sequence', () => {
      // Prepare
      const sink = recordingSink(false);
      const view = new ProgressView(sink);
      const draining = [
        stepView({ name: 'Evaluate', type: 'Lambda', status: 'Executing', startedAt: new Date(T0_MS - 3_000).toISOString() }),
      ];
      // Act
      view.onStateExited(
        'Check Pipeline Execution',
        checkOutput({ status: 'Stopping', waitedSeconds: 1, polls: 1, nextWaitSeconds: 2, draining }),
      );
      view.onStateExited('Check Pipeline Execution', checkOutput({ status: 'Stopped', waitedSeconds: 4, polls: 2, draining: [] }));
      // Assess
      expect(sink.text()).toBe(
        "status Stopping, waited 1s, 1 poll(s), next check in 2s\n  draining: Lambda step 'Evaluate' Executing for 3s\nstatus Stopped, waited 4s, 2 poll(s)\n",
      );
      expect(sink.text()).not.toContain('\x1b');
    });

    it('skips a block identical to the one it printed last, and prints it again once it changes', () => {
      // Prepare
      const sink = recordingSink(false);
      const view = new ProgressView(sink);
      const same = {
        status: 'Stopping' as const,
        waitedSeconds: 5,
        polls: 2,
        nextWaitSeconds: 5,
        draining: [stepView({ name: 'A', startedAt: T0 })],
      };
      // Act
      view.onStateExited('Check Pipeline Execution', checkOutput(same));
      view.onStateExited('Check Pipeline Execution', checkOutput(same));
      view.onStateExited('Check Pipeline Execution', checkOutput({ ...same, polls: 3 }));
      // Assess
      expect(sink.writes).toEqual([
        "status Stopping, waited 5s, 2 poll(s), next check in 5s\n  draining: Lambda step 'A' Executing for 0s\n",
        "status Stopping, waited 5s, 3 poll(s), next check in 5s\n  draining: Lambda step 'A' Executing for 0s\n",
      ]);
    });
  });

  describe('on a TTY', () => {
    it('draws the first block without moving the cursor', () => {
      // Prepare
      const sink = recordingSink(true);
      const view = new ProgressView(sink);
      // Act
      view.onStateExited(
        'Check Pipeline Execution',
        checkOutput({
          status: 'Stopping',
          waitedSeconds: 1,
          polls: 1,
          nextWaitSeconds: 1,
          draining: [stepView({ name: 'A', startedAt: T0 })],
        }),
      );
      // Assess
      expect(sink.writes).toEqual([
        "status Stopping, waited 1s, 1 poll(s), next check in 1s\n  draining: Lambda step 'A' Executing for 0s\n",
      ]);
    });

    it('moves the cursor up over the previous block of n lines and clears before redrawing', () => {
      // Prepare
      const sink = recordingSink(true);
      const view = new ProgressView(sink);
      const twoSteps = [
        stepView({ name: 'A', startedAt: T0 }),
        stepView({ name: 'B', type: 'Callback', status: 'Stopping', startedAt: T0 }),
      ];
      // Act
      view.onStateExited(
        'Check Pipeline Execution',
        checkOutput({ status: 'Stopping', waitedSeconds: 1, polls: 1, nextWaitSeconds: 1, draining: twoSteps }),
      );
      vi.setSystemTime(T0_MS + 2_000);
      view.onStateExited(
        'Check Pipeline Execution',
        checkOutput({ status: 'Stopping', waitedSeconds: 3, polls: 2, nextWaitSeconds: 2, draining: twoSteps.slice(1) }),
      );
      view.onStateExited('Check Pipeline Execution', checkOutput({ status: 'Stopped', waitedSeconds: 5, polls: 3, draining: [] }));
      // Assess
      expect(sink.writes).toEqual([
        "status Stopping, waited 1s, 1 poll(s), next check in 1s\n  draining: Lambda step 'A' Executing for 0s\n  draining: Callback step 'B' Stopping for 0s\n",
        "\x1b[3A\x1b[0Jstatus Stopping, waited 3s, 2 poll(s), next check in 2s\n  draining: Callback step 'B' Stopping for 2s\n",
        '\x1b[2A\x1b[0Jstatus Stopped, waited 5s, 3 poll(s)\n',
      ]);
    });

    it('redraws an identical block in place (the ages move on) instead of skipping it', () => {
      // Prepare
      const sink = recordingSink(true);
      const view = new ProgressView(sink);
      const same = { status: 'Stopping' as const, waitedSeconds: 5, polls: 2, nextWaitSeconds: 5, draining: [] };
      // Act
      view.onStateExited('Check Pipeline Execution', checkOutput(same));
      view.onStateExited('Check Pipeline Execution', checkOutput(same));
      // Assess
      expect(sink.writes).toEqual(['status Stopping, waited 5s, 2 poll(s)\n', '\x1b[1A\x1b[0Jstatus Stopping, waited 5s, 2 poll(s)\n']);
    });

    it('keeps a plain line printed between two blocks: the next block is drawn below it', () => {
      // Prepare
      const sink = recordingSink(true);
      const view = new ProgressView(sink);
      const released: ReleasedStep[] = [{ stepName: 'B', releasedAt: T0, callbackToken: '***x7Q2', result: 'Released' }];
      // Act
      view.onStateExited(
        'Check Pipeline Execution',
        checkOutput({ status: 'Stopping', nextWaitSeconds: 1, draining: [stepView({ name: 'B', startedAt: T0 })] }),
      );
      view.onStateExited('Release Callback Steps', { request: request(), stop: stopRecord(), released });
      view.onStateExited('Check Pipeline Execution', checkOutput({ status: 'Stopped', waitedSeconds: 9, polls: 4, draining: [] }));
      // Assess
      expect(sink.writes.at(1)).toBe("released callback step 'B' (Released, token ***x7Q2)\n");
      expect(sink.writes.at(2)).toBe('status Stopped, waited 9s, 4 poll(s)\n');
      expect(sink.text(), 'no cursor movement over the plain line').not.toContain('\x1b');
    });
  });

  describe('stop and release lines', () => {
    it('says the stop was requested, for which execution and with which deadline', () => {
      // Prepare
      const sink = recordingSink(false);
      const view = new ProgressView(sink);
      // Act
      view.onStateExited('Stop Pipeline Execution', { request: request({ maxWaitSeconds: 600 }), stop: stopRecord({ accepted: true }) });
      // Assess
      expect(sink.writes).toEqual([`stop requested for ${ARN} (deadline 600s)\n`]);
    });

    it('says the stop was not needed and the status the execution already had', () => {
      // Prepare
      const sink = recordingSink(false);
      const view = new ProgressView(sink);
      // Act
      view.onStateExited('Stop Pipeline Execution', {
        request: request(),
        stop: stopRecord({ accepted: false, statusAtStop: 'Succeeded' }),
      });
      // Assess
      expect(sink.writes).toEqual([`stop not needed: the execution was already Succeeded for ${ARN} (deadline 900s)\n`]);
    });

    it('says "not Executing" when a declined stop did not record the status', () => {
      // Prepare
      const sink = recordingSink(false);
      const view = new ProgressView(sink);
      // Act
      view.onStateExited('Stop Pipeline Execution', { request: request(), stop: stopRecord({ accepted: false }) });
      // Assess
      expect(sink.text()).toContain('stop not needed: the execution was already not Executing for ');
    });

    it('prints one line per released callback step with its result and only the masked token', () => {
      // Prepare
      const sink = recordingSink(false);
      const view = new ProgressView(sink);
      const released: ReleasedStep[] = [
        { stepName: 'WaitForApproval', releasedAt: T0, callbackToken: '***k9Zq', result: 'Released' },
        { stepName: 'WaitForLabels', releasedAt: T0, callbackToken: '***3bY1', result: 'AlreadyClosed' },
      ];
      // Act
      view.onStateExited('Release Callback Steps', { request: request(), stop: stopRecord(), released });
      // Assess
      expect(sink.writes).toEqual([
        "released callback step 'WaitForApproval' (Released, token ***k9Zq)\n",
        "released callback step 'WaitForLabels' (AlreadyClosed, token ***3bY1)\n",
      ]);
      // The view shows the token exactly as the state carries it (masked by the release step), nothing more.
      expect(sink.text().match(/token \S+\)/g)).toEqual(['token ***k9Zq)', 'token ***3bY1)']);
    });

    it('ignores other states and outputs that are not objects', () => {
      // Prepare
      const sink = recordingSink(false);
      const view = new ProgressView(sink);
      // Act
      view.onStateExited('Validate Input', { request: request() });
      view.onStateExited('Check Pipeline Execution', null);
      view.onStateExited('Check Pipeline Execution', 'Stopped');
      view.onStateExited('Stop Pipeline Execution', { stop: stopRecord() });
      view.onStateExited('Release Callback Steps', { request: request() });
      // Assess
      expect(sink.writes).toEqual([]);
    });
  });

  it('writes nothing at all when disabled', () => {
    // Prepare
    const sink = recordingSink(true);
    const view = new ProgressView(sink, false);
    const released: ReleasedStep[] = [{ stepName: 'B', releasedAt: T0, callbackToken: '***x7Q2', result: 'Released' }];
    // Act
    view.onStateExited('Stop Pipeline Execution', { request: request(), stop: stopRecord() });
    view.onStateExited('Check Pipeline Execution', checkOutput({ status: 'Stopping', draining: [stepView()] }));
    view.onStateExited('Release Callback Steps', { request: request(), stop: stopRecord(), released });
    // Assess
    expect(sink.writes).toEqual([]);
  });
});

describe('report: humanResult, jsonResult and exitCodeOf', () => {
  const success: StopRunOutcome = {
    status: 'SUCCEEDED',
    output: outputDocument({
      outcome: 'Stopped',
      finalStatus: 'Stopped',
      waitedSeconds: 60,
      polls: 5,
      steps: [
        stepView({ name: 'Evaluate', type: 'Lambda', status: 'Succeeded' }),
        stepView({ name: 'WaitForApproval', type: 'Callback', status: 'Failed', failureReason: 'released by graceful stop' }),
      ],
      releasedCallbackSteps: [
        { stepName: 'WaitForApproval', releasedAt: '2025-03-01T12:00:45.000Z', callbackToken: '***k9Zq', result: 'Released' },
      ],
    }),
  };
  const failure: StopRunOutcome = {
    status: 'FAILED',
    error: 'DrainTimedOut',
    cause: 'Steps still draining after 900s: WaitForApproval (Callback, Stopping)',
  };

  it('exits 0 on a success outcome and 1 on a named failure', () => {
    // Prepare: the two outcomes above
    // Act
    const codes = [exitCodeOf(success), exitCodeOf(failure)];
    // Assess
    expect(codes).toEqual([0, 1]);
  });

  it('prints only the output document as JSON on success', () => {
    // Prepare: the success outcome above
    // Act
    const text = jsonResult(success);
    // Assess
    expect(JSON.parse(text)).toEqual(success.output);
  });

  it('prints only {error, cause} as JSON on failure', () => {
    // Prepare: the failure outcome above
    // Act
    const text = jsonResult(failure);
    // Assess
    expect(JSON.parse(text)).toEqual({ error: 'DrainTimedOut', cause: failure.cause });
  });

  it('tells a success as the outcome line, one line per step and one per released callback step', () => {
    // Prepare: the success outcome above
    // Act
    const text = humanResult(success);
    // Assess
    expect(text.split('\n')).toEqual([
      'outcome Stopped (final status Stopped) after 60s and 5 poll(s)',
      "  Lambda step 'Evaluate': Succeeded",
      "  Callback step 'WaitForApproval': Failed (released by graceful stop)",
      "  released 'WaitForApproval' at 2025-03-01T12:00:45.000Z (Released)",
    ]);
  });

  it('tells a failure as one FAILED line with the error name and cause', () => {
    // Prepare: the failure outcome above
    // Act
    const text = humanResult(failure);
    // Assess
    expect(text).toBe(`FAILED DrainTimedOut: ${failure.cause}`);
  });
});

describe("ProgressView during a drain, with the CLI's own look", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0_MS);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const stopAccepted = { request: request({ maxWaitSeconds: 600 }), stop: stopRecord({ accepted: true, requestedAt: T0 }) };

  /** A stop accepted at T0, then 8.1 s of a check watching, with the given look; the view closed after. */
  async function drainFor8Seconds(sink: ProgressSink, look: () => Promise<ExecutionLook>): Promise<void> {
    const view = new ProgressView(sink, true, { heartbeatMs: 4_000, look });
    view.onStateEntered('Stop Pipeline Execution', 'Task');
    view.onStateExited('Stop Pipeline Execution', stopAccepted);
    view.onStateEntered('Check Pipeline Execution', 'Task');
    await vi.advanceTimersByTimeAsync(8_100);
    view.close();
  }

  it('shows the status and the draining steps of each look on the beats, counting the drain from the stop', async () => {
    // Prepare
    const sink = recordingSink(false);
    const look = vi.fn(async (): Promise<ExecutionLook> => ({
      status: 'Stopping',
      draining: [stepView({ name: 'Train', type: 'TrainingJob', status: 'Stopping', startedAt: new Date(T0_MS - 60_000).toISOString() })],
      lookedAt: Date.now(),
    }));
    // Act
    await drainFor8Seconds(sink, look);
    // Assess
    expect(sink.writes.slice(1)).toEqual([
      "status Stopping, 4s since the stop (the CLI's own look)\n  draining: TrainingJob step 'Train' Stopping for 4s\n",
      "status Stopping, 8s since the stop (the CLI's own look)\n  draining: TrainingJob step 'Train' Stopping for 8s\n",
    ]);
    expect(look.mock.calls.length).toBeLessThanOrEqual(3);
  });

  it('says SageMaker does not answer when a look hangs, never that the drain is merely slow', async () => {
    // Prepare
    const sink = recordingSink(false);
    // Act
    await drainFor8Seconds(sink, () => new Promise<ExecutionLook>(() => undefined));
    // Assess
    expect(sink.writes.slice(1)).toEqual([
      "… Check Pipeline Execution: SageMaker has not answered the CLI's own DescribePipelineExecution for 4s (a hung endpoint, not a slow drain)\n",
      "… Check Pipeline Execution: SageMaker has not answered the CLI's own DescribePipelineExecution for 8s (a hung endpoint, not a slow drain)\n",
    ]);
  });
});

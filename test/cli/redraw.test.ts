/**
 * The live progress on a TTY, replayed in a terminal emulator: a redraw
 * covers exactly the screen rows the last block took, so long lines at 80
 * and 40 columns and a resize leave one clean block, never stale fragments.
 */
import { describe, expect, it } from 'vitest';
import type { CheckRecord, GracefulStopState } from '#graceful-stop/model.js';
import type { FleetProgress, ListedState } from '#stop-all/model.js';
import { fleetProgress } from '#test/support/fleet-progress.js';
import { fitRow, screenRows } from '#cli/live-block.js';
import { ProgressView } from '#cli/stop-view.js';
import { StopAllProgress } from '#cli/stop-all-view.js';
import { VirtualTerminal } from '#test/support/virtual-terminal.js';

const LONG_NAME = `Train${'VeryLongStepName'.repeat(3)}Final`.slice(0, 64);
const check = (polls: number): Pick<GracefulStopState, 'check'> => ({
  check: {
    checkedAt: '2026-12-01T10:00:00.000Z',
    status: 'Stopping',
    steps: [],
    stepsOmitted: 0,
    draining: [
      { name: LONG_NAME, type: 'TrainingJob', status: 'Stopping', startedAt: new Date(Date.now() - polls * 1000).toISOString() },
      { name: 'Evaluate', type: 'Lambda', status: 'Executing' },
    ],
    nextWaitSeconds: 2,
    deadlinePassed: false,
    releaseDue: false,
    polls,
    waitedSeconds: polls * 2,
  } as CheckRecord,
});

function terminal(columns: number) {
  const vt = new VirtualTerminal(columns);
  let width = columns;
  const sink = { isTTY: true, columns: () => width, write: (text: string) => vt.write(text) };
  return { vt, sink, resize: (next: number) => ((width = next), vt.resize(next)) };
}

describe('screenRows and fitRow', () => {
  it('counts the rows a line takes, a full-width line wrapping to a second one', () => {
    expect(screenRows('x'.repeat(80), 80)).toBe(1);
    expect(screenRows('x'.repeat(81), 80)).toBe(2);
    expect(screenRows('\x1b[1mbold\x1b[0m', 80)).toBe(1);
  });

  it('cuts a line to fit one row', () => {
    expect(fitRow('x'.repeat(100), 40)).toHaveLength(39);
    expect(fitRow('short', 40)).toBe('short');
  });
});

describe('ProgressView on a TTY', () => {
  it.each([80, 40])('redraws the check block in place at %i columns, long step names included', (columns) => {
    // Prepare
    const { vt, sink } = terminal(columns);
    const view = new ProgressView(sink, true, { heartbeatMs: 60_000 });

    // Act
    view.onStateExited('Stop Pipeline Execution', {
      stop: { accepted: true, requestedAt: '', deadlineAt: '' },
      request: { pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/e', maxWaitSeconds: 60 },
    });
    for (let poll = 1; poll <= 5; poll += 1) view.onStateExited('Check Pipeline Execution', check(poll));
    view.close();

    // Assess
    const lines = vt.lines();
    expect(lines.filter((line) => line.startsWith('status '))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('draining:'))).toHaveLength(2);
    const block = lines.slice(-3);
    expect(block[0]).toBe(fitRow('status Stopping, waited 10s, 5 poll(s), next check in 2s', columns));
    expect(block.every((line) => [...line].length < columns)).toBe(true);
  });

  it('redraws cleanly after the terminal narrows from 80 to 40 columns', () => {
    // Prepare
    const { vt, sink, resize } = terminal(80);
    const view = new ProgressView(sink, true, { heartbeatMs: 60_000 });
    view.onStateExited('Check Pipeline Execution', check(1));

    // Act
    resize(40);
    view.onResize();
    view.onStateExited('Check Pipeline Execution', check(2));

    // Assess
    const lines = vt.lines();
    expect(lines.filter((line) => line.startsWith('status '))).toEqual([
      fitRow('status Stopping, waited 4s, 2 poll(s), next check in 2s', 40),
    ]);
    expect(lines.filter((line) => line.includes('draining:'))).toHaveLength(2);
  });
});

describe('StopAllProgress on a TTY', () => {
  const progress = (overrides: Partial<FleetProgress> = {}): FleetProgress =>
    fleetProgress({ selected: 3000, toSignal: 2900, takenIn: 100, draining: 3000, ...overrides });
  const listed = (pattern: string, dryRun = false, overrides: Partial<FleetProgress> = {}): ListedState => ({
    executionId: 'arn:aws:states:us-east-1:123456789012:execution:stop-all:x',
    request: { pipelineNamePattern: pattern, olderThanSeconds: 0, signalRatePerSecond: 10, dryRun },
    ledger: { key: 'stop-all/x/ledger.json' },
    listing: {
      listedAt: '2026-01-01T10:00:00.000Z',
      pipelines: 12,
      scanned: 4000,
      pagesRead: 52,
      scanComplete: true,
      tooRecent: 3,
      omitted: 0,
      byPipeline: [],
    },
    progress: progress(overrides),
  });

  it('redraws one line of live counts in place under the listing, cycle after cycle', () => {
    // Prepare
    const { vt, sink } = terminal(120);
    const view = new StopAllProgress(sink);

    // Act
    view.onStateExited('List Running Executions', listed('training-*'));
    view.onStateExited('Signal And Sweep', listed('training-*', false, { signalled: 240, elapsedSeconds: 25, cycles: 1 }));
    view.onStateExited(
      'Signal And Sweep',
      listed('training-*', false, {
        signalled: 480,
        draining: 2950,
        ended: { Stopped: 48, Failed: 2 },
        elapsedSeconds: 50,
        typicalDrainSeconds: 130,
        etaSeconds: 372,
        cycles: 2,
      }),
    );

    // Assess
    expect(vt.lines()).toEqual([
      '3000 run(s) of training-* in 12 pipeline(s): signalling 2900 at 10/s, 100 already Stopping (taken in) (3 too recent)',
      '  50 s: signalled 480/2900 · taken in 100 · draining 2950 · ended 50 (Stopped 48, Failed 2) · about 6 min 12 s left',
    ]);
  });

  it('keeps the live line within 80 columns, however many counts it has (the listing line above is written once and may wrap)', () => {
    // Prepare
    const { vt, sink } = terminal(80);
    const view = new StopAllProgress(sink);
    const pattern = `${'training-'.repeat(6)}*`;

    // Act
    view.onStateExited('List Running Executions', listed(pattern));
    view.onStateExited(
      'Signal And Sweep',
      listed(pattern, false, {
        signalled: 2900,
        draining: 10,
        ended: { Stopped: 2980, Failed: 7, Succeeded: 3 },
        released: 12,
        timedOut: 1,
        errored: 2,
        elapsedSeconds: 4000,
      }),
    );

    // Assess
    const live = vt.lines().at(-1) ?? '';
    expect(live.length).toBeLessThanOrEqual(80);
    expect(live).toMatch(/^ {2}1 h 7 min: signalled 2900\/2900 · taken in 100 · draining 10 · ended 2990 /);
    expect(vt.lines()[0]).toContain('training-training-');
  });

  it('shows a dry run as its listing only: nothing is signalled, so there are no counts to follow', () => {
    // Prepare
    const lines: string[] = [];
    const view = new StopAllProgress({ isTTY: false, write: (text: string) => lines.push(text) });

    // Act
    view.onStateExited('List Running Executions', listed('training-*', true));

    // Assess
    expect(lines).toEqual([
      '3000 run(s) of training-* in 12 pipeline(s): would signal 2900 at 10/s, 100 already Stopping (taken in) (3 too recent)\n',
    ]);
  });
});

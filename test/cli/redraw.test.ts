/**
 * The live progress on a TTY, replayed in a terminal emulator: a redraw
 * covers exactly the screen rows the last block took, so long lines at 80
 * and 40 columns and a resize leave one clean block, never stale fragments.
 */
import { describe, expect, it } from 'vitest';
import type { CheckRecord, GracefulStopState } from '../../functions/graceful-stop/model.js';
import { fitRow, ProgressView, screenRows } from '../../cli/progress.js';
import { StopAllProgress } from '../../cli/stop-all-view.js';
import { VirtualTerminal } from '../support/virtual-terminal.js';

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
    view.onStateExited('Stop Pipeline Execution', { stop: { accepted: true, requestedAt: '', deadlineAt: '' }, request: { pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/e', maxWaitSeconds: 60 } });
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
    expect(lines.filter((line) => line.startsWith('status '))).toEqual([fitRow('status Stopping, waited 4s, 2 poll(s), next check in 2s', 40)]);
    expect(lines.filter((line) => line.includes('draining:'))).toHaveLength(2);
  });
});

describe('StopAllProgress on a TTY', () => {
  it('keeps one live table of the batch, each execution with its state, and counts', () => {
    // Prepare
    const { vt, sink } = terminal(120);
    const view = new StopAllProgress(sink);
    const arns = ['a1', 'b2', 'c3'].map((id) => `arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/${id}`);
    const listing = {
      request: { pipelineName: 'p', olderThanSeconds: 0, maxConcurrency: 2, dryRun: false },
      pipelines: 1,
      running: 3,
      items: arns.map((arn) => ({ pipelineExecutionArn: arn })),
      batch: arns.map((arn) => ({ pipelineName: 'p', pipelineExecutionArn: arn, startedAt: null, ageSeconds: 5 })),
      omitted: 0,
      tooRecent: 0,
      scanComplete: true,
      scanned: 3,
    };

    // Act
    view.onStateExited('List Running Executions', { listing });
    view.onStateEntered('Stop Gracefully', { childInput: { pipelineExecutionArn: arns[0] } });
    view.onStateEntered('Stop Gracefully', { childInput: { pipelineExecutionArn: arns[1] } });
    view.onStateExited('Record Stop Succeeded', { pipelineExecutionArn: arns[0], outcome: 'Stopped', waitedSeconds: 3 });

    // Assess
    const lines = vt.lines();
    expect(lines[0]).toBe('3 running execution(s) of p in 1 pipeline(s); stopping 3, at most 2 at a time');
    expect(lines.slice(1)).toEqual([
      `  ${'Stopped (waited 3s)'.padEnd(24)} ${arns[0]}`,
      `  ${'stopping…'.padEnd(24)} ${arns[1]}`,
      `  ${'queued'.padEnd(24)} ${arns[2]}`,
      '  Stopped 1, stopping… 1, queued 1',
    ]);
  });
});

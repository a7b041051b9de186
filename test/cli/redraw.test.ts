/**
 * The live progress on a TTY, replayed in a terminal emulator: a redraw
 * covers exactly the screen rows the last block took, so long lines at 80
 * and 40 columns and a resize leave one clean block, never stale fragments.
 */
import { describe, expect, it } from 'vitest';
import type { CheckRecord, GracefulStopState } from '#graceful-stop/model.js';
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
  it('counts a dry run of several batches once: the first listing names them all, each batch its range', () => {
    // Prepare
    const lines: string[] = [];
    const view = new StopAllProgress({ isTTY: false, write: (text: string) => lines.push(text) });
    const batchOf = (running: number, from: number) => {
      const arns = [0, 1].map((index) => `arn:aws:sagemaker:us-east-1:123456789012:pipeline/training-a/execution/run${from + index}`);
      return {
        request: { pipelineNamePattern: 'training-*', olderThanSeconds: 0, maxConcurrency: 5, dryRun: true },
        pipelines: 1,
        running,
        items: arns.map((arn) => ({ pipelineExecutionArn: arn })),
        batch: arns.map((arn) => ({ pipelineName: 'training-a', pipelineExecutionArn: arn, startedAt: null, ageSeconds: 5 })),
        omitted: 0,
        tooRecent: 0,
        scanComplete: true,
        scanned: 6,
      };
    };
    // Act
    for (const [running, from] of [[6, 0], [4, 2], [2, 4]] as const) view.onStateExited('List Running Executions', { listing: batchOf(running, from) });
    // Assess
    const headers = lines.filter((line) => !line.startsWith('  '));
    expect(headers).toEqual([
      '6 running execution(s) of training-* in 1 pipeline(s); would stop 6 in batches of 2\n',
      'batch 2: would stop 3-4 of 6\n',
      'batch 3: would stop 5-6 of 6\n',
    ]);
    expect(lines.filter((line) => line.startsWith('  '))).toContain('  would stop (5 s old): training-a run0\n');
  });

  it('keeps every row of the live table within 80 columns, however long the pipeline name', () => {
    // Prepare
    const { vt, sink } = terminal(80);
    const view = new StopAllProgress(sink);
    const arn = `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${'training-'.repeat(6)}x/execution/abcdef123456`;
    const listing = {
      request: { pipelineName: 'p', olderThanSeconds: 0, maxConcurrency: 2, dryRun: false },
      pipelines: 1,
      running: 1,
      items: [{ pipelineExecutionArn: arn }],
      batch: [{ pipelineName: 'p', pipelineExecutionArn: arn, startedAt: null, ageSeconds: 5 }],
      omitted: 0,
      tooRecent: 0,
      scanComplete: true,
      scanned: 1,
    };
    // Act
    view.onStateExited('List Running Executions', { listing });
    // Assess
    const row = vt.lines().find((line) => line.includes('queued')) ?? '';
    expect(row.length).toBeLessThanOrEqual(80);
    expect(row).toContain('training-training-');
  });

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
      `  ${'Stopped (waited 3s)'.padEnd(24)} p a1`,
      `  ${'stopping…'.padEnd(24)} p b2`,
      `  ${'queued'.padEnd(24)} p c3`,
      '  Stopped 1, stopping… 1, queued 1',
    ]);
  });
});

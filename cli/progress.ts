import { REQUEST_TIMEOUT_MS } from '../functions/commons/clients.js';
import type { CheckRecord, GracefulStopState, StepView } from '../functions/graceful-stop/model.js';

/** Where progress goes: a TTY gets a live block redrawn in place, anything else plain lines. */
export interface ProgressSink {
  isTTY?: boolean;
  /** The terminal's width now (a TTY's `columns`); undefined = 80. */
  columns?: () => number | undefined;
  write(text: string): unknown;
}

const DEFAULT_COLUMNS = 80;
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;]*[A-Za-z]/g;

/** How many screen rows `text` takes at `columns` (a full-width line wraps to a second row). */
export function screenRows(text: string, columns: number): number {
  const width = [...text.replace(ESCAPES, '')].length;
  return Math.max(1, Math.ceil(width / Math.max(1, columns)));
}

/** Cuts a line to fit one row of the terminal, so the redraw knows exactly what it covers. */
export function fitRow(text: string, columns: number): string {
  const chars = [...text];
  return chars.length < columns ? text : `${chars.slice(0, Math.max(1, columns - 2)).join('')}…`;
}

function age(step: StepView, now: number): string {
  if (!step.startedAt) return '';
  const seconds = Math.max(0, Math.round((now - Date.parse(step.startedAt)) / 1000));
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

export function describeCheck(check: CheckRecord, now = Date.now()): string[] {
  const head = `status ${check.status}, waited ${check.waitedSeconds}s, ${check.polls} poll(s)${
    check.deadlinePassed ? ', deadline passed' : check.draining.length > 0 ? `, next check in ${check.nextWaitSeconds}s` : ''
  }`;
  const steps = check.draining.map(
    (step) => `  draining: ${step.type} step '${step.name}' ${step.status}${step.startedAt ? ` for ${age(step, now)}` : ''}`,
  );
  return [head, ...steps];
}

/**
 * Lines and one live block on a progress sink. On a TTY the block is redrawn
 * in place: the cursor moves up over the screen rows the last block takes at
 * today's width (a terminal reflows wrapped lines on resize), the screen is
 * cleared from there, and each line is cut to fit one row. Elsewhere every
 * new block is written as plain lines, once.
 */
export class LiveBlock {
  private drawn: string[] = [];
  /** The block's lines before fitting, to redraw them at a new width. */
  private source: string[] = [];
  private lastPlain = '';

  constructor(private readonly sink: ProgressSink) {}

  line(text: string): void {
    this.drawn = [];
    this.source = [];
    this.sink.write(`${text}\n`);
  }

  /** After a terminal resize: the block drawn at the old width is redrawn at the new one. */
  onResize(): void {
    if (this.sink.isTTY && this.drawn.length > 0) this.block(this.source);
  }

  block(lines: string[]): void {
    if (this.sink.isTTY) {
      const columns = this.sink.columns?.() ?? DEFAULT_COLUMNS;
      const rows = this.drawn.reduce((sum, drawnLine) => sum + screenRows(drawnLine, columns), 0);
      const up = rows > 0 ? `\x1b[${rows}A\x1b[0J` : '';
      const fitted = lines.map((text) => fitRow(text, columns));
      this.sink.write(`${up}${fitted.join('\n')}\n`);
      this.drawn = fitted;
      this.source = lines;
      return;
    }
    const text = lines.join('\n');
    if (text !== this.lastPlain) this.sink.write(`${text}\n`);
    this.lastPlain = text;
  }
}

/** Silence on the terminal never lasts longer than one request timeout of the functions' SDK clients. */
export const HEARTBEAT_MS = REQUEST_TIMEOUT_MS;

/** What a long-running task of the graceful stop is waiting for, in the heartbeat line. */
const WAITING_FOR: Record<string, string> = {
  'Stop Pipeline Execution': `waiting for SageMaker to answer StopPipelineExecution (each call times out after ${REQUEST_TIMEOUT_MS / 1000} s and is retried)`,
  'Check Pipeline Execution': 'watching the execution; waiting for SageMaker to answer DescribePipelineExecution / ListPipelineExecutionSteps',
  'Release Callback Steps': 'waiting for SageMaker to answer SendPipelineExecutionStepFailure',
  'Publish Completion Event': 'waiting for EventBridge to accept the completion event',
};

/**
 * Turns the state outputs of a graceful stop (local engine events or AWS
 * execution history, same shape) into progress lines.
 */
export class ProgressView {
  private readonly live: LiveBlock;
  private task?: { name: string; since: number };
  private heartbeat?: ReturnType<typeof setInterval>;

  /** `heartbeatMs`: a task that runs longer than this gets a line saying what it waits for, and again every heartbeatMs. */
  constructor(
    private readonly sink: ProgressSink,
    private readonly enabled = true,
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {
    this.live = new LiveBlock(sink);
  }

  /** A task state began: until it ends, the view says every heartbeatMs what it is waiting for. */
  onTaskEntered(stateName: string, now = Date.now()): void {
    if (!this.enabled) return;
    this.task = { name: stateName, since: now };
    this.heartbeat ??= setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref?.();
  }

  /** Stops the heartbeat; the view writes nothing more. */
  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.task = undefined;
  }

  private beat(now = Date.now()): void {
    if (!this.task) return;
    const seconds = Math.round((now - this.task.since) / 1000);
    const waitingFor = WAITING_FOR[this.task.name] ?? 'waiting for it to finish';
    this.line(`… ${this.task.name} running for ${seconds}s: ${waitingFor}`);
  }

  onStateExited(stateName: string, output: unknown): void {
    if (this.task?.name === stateName) this.task = undefined;
    if (!this.enabled || typeof output !== 'object' || output === null) return;
    const state = output as GracefulStopState;
    if (stateName === 'Stop Pipeline Execution' && state.stop && state.request) {
      const how = state.stop.accepted
        ? 'stop requested'
        : `stop not needed: the execution was already ${state.stop.statusAtStop ?? 'not Executing'}`;
      this.line(`${how} for ${state.request.pipelineExecutionArn} (deadline ${state.request.maxWaitSeconds}s)`);
    } else if (stateName === 'Check Pipeline Execution' && state.check) {
      this.block(describeCheck(state.check));
    } else if (stateName === 'Release Callback Steps' && state.released) {
      for (const released of state.released) {
        this.line(`released callback step '${released.stepName}' (${released.result}, token ${released.callbackToken})`);
      }
    }
  }

  private line(text: string): void {
    this.live.line(text);
  }

  /** After a terminal resize: the block drawn at the old width is redrawn at the new one. */
  onResize(): void {
    this.live.onResize();
  }

  private block(lines: string[]): void {
    this.live.block(lines);
  }
}

import type { CheckRecord, GracefulStopState, StepView } from '../functions/graceful-stop/model.js';

/** Where progress goes: a TTY gets a live block redrawn in place, anything else plain lines. */
export interface ProgressSink {
  isTTY?: boolean;
  write(text: string): unknown;
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
 * Turns the state outputs of a graceful stop (local engine events or AWS
 * execution history, same shape) into progress lines.
 */
export class ProgressView {
  private drawnLines = 0;
  private lastPlain = '';

  constructor(private readonly sink: ProgressSink, private readonly enabled = true) {}

  onStateExited(stateName: string, output: unknown): void {
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
    this.drawnLines = 0;
    this.sink.write(`${text}\n`);
  }

  private block(lines: string[]): void {
    if (this.sink.isTTY) {
      // Redraw the live block in place: cursor up over the last block, clear to the end of screen.
      const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\x1b[0J` : '';
      this.sink.write(`${up}${lines.join('\n')}\n`);
      this.drawnLines = lines.length;
      return;
    }
    const text = lines.join('\n');
    if (text !== this.lastPlain) this.sink.write(`${text}\n`);
    this.lastPlain = text;
  }
}

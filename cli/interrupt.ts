import type { GracefulStopState } from '../functions/graceful-stop/model.js';

/** What a local graceful stop has done so far, for the Ctrl-C notice. */
export class RunTracker {
  stopSent = false;
  stopAccepted?: boolean;
  statusAtStop?: string;
  lastStatus?: string;
  lastCheckedAt?: number;

  constructor(readonly input: Record<string, unknown>) {}

  onStateExited(stateName: string, output: unknown): void {
    const state = output as GracefulStopState | null;
    if (!state || typeof state !== 'object') return;
    if (stateName === 'Stop Pipeline Execution' && state.stop) {
      this.stopSent = true;
      this.stopAccepted = state.stop.accepted;
      this.statusAtStop = state.stop.statusAtStop;
    }
    if (stateName === 'Check Pipeline Execution' && state.check) {
      this.lastStatus = state.check.status;
      this.lastCheckedAt = Date.now();
    }
  }
}

const quoted = (value: string): string => (/^[A-Za-z0-9_./:=@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

/** The command that resumes the wait: a graceful stop of a run that is already Stopping drains with it. */
export function resumeCommand(input: Record<string, unknown>): string {
  const flags: string[] = [];
  if (typeof input.maxWaitSeconds === 'number') flags.push('--max-wait', String(input.maxWaitSeconds));
  if (typeof input.releaseCallbacksAfterSeconds === 'number') flags.push('--release-callbacks-after', String(input.releaseCallbacksAfterSeconds));
  if (typeof input.reason === 'string') flags.push('--reason', quoted(input.reason));
  return ['graceful-stop', 'stop', quoted(String(input.pipelineExecutionArn ?? '')), ...flags].join(' ');
}

/** The first Ctrl-C's notice: whether the stop was sent, the run's last known status, and how to resume. */
export function interruptNotice(tracker: RunTracker, now = Date.now()): string {
  const arn = String(tracker.input.pipelineExecutionArn ?? '');
  const sent = !tracker.stopSent
    ? 'interrupted before the stop request was sent: the pipeline execution was not asked to stop.'
    : tracker.stopAccepted
      ? 'interrupted: the stop request was sent and accepted; SageMaker goes on draining the run on its own.'
      : `interrupted: no stop request was needed (the run was already ${tracker.statusAtStop ?? 'not Executing'}).`;
  const status = tracker.lastStatus
    ? `status at the last check (${Math.round((now - (tracker.lastCheckedAt ?? now)) / 1000)} s ago): ${tracker.lastStatus}`
    : 'status not checked yet';
  const resume = tracker.stopSent ? `to wait for it again (nothing is stopped twice): ${resumeCommand(tracker.input)}` : `to stop it: ${resumeCommand(tracker.input)}`;
  return [sent, `  ${arn}: ${status}`, `  ${resume}`, '  (no release of callback steps and no report were made)'].join('\n');
}

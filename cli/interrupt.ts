import { basename, relative } from 'node:path';
import type { GracefulStopState } from '#graceful-stop/model.js';

/** What a local graceful stop has done so far, for the Ctrl-C notice. */
export class RunTracker {
  stopSent = false;
  stopAccepted?: boolean;
  statusAtStop?: string;
  lastStatus?: string;
  lastCheckedAt?: number;

  constructor(readonly input: Record<string, unknown>) {}

  /** The CLI's own look between checks: newer than the last check, so the notice tells it. */
  onLook(look: { status: string; lookedAt: number }): void {
    this.lastStatus = look.status;
    this.lastCheckedAt = look.lookedAt;
  }

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

/**
 * How this CLI was started, so a printed command works as printed: `npx graceful-stop` when npx (or
 * a project's node_modules/.bin) ran it, `graceful-stop` from a global install, else `node <script>`.
 */
export function invokedAs(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const script = argv[1] ?? '';
  if (env.npm_command === 'exec' || /[\\/]node_modules[\\/]\.bin[\\/]/.test(script)) return 'npx graceful-stop';
  if (basename(script) === 'graceful-stop') return 'graceful-stop';
  return `node ${quoted(relative(cwd, script) || script)}`;
}

/** The command that resumes the wait: a graceful stop of a run that is already Stopping drains with it (and prints as this one did: --json kept). */
export function resumeCommand(input: Record<string, unknown>, command = invokedAs(), output: { json?: boolean } = {}): string {
  const flags: string[] = [];
  if (typeof input.maxWaitSeconds === 'number') flags.push('--max-wait', String(input.maxWaitSeconds));
  if (typeof input.releaseCallbacksAfterSeconds === 'number')
    flags.push('--release-callbacks-after', String(input.releaseCallbacksAfterSeconds));
  if (typeof input.reason === 'string') flags.push('--reason', quoted(input.reason));
  if (output.json) flags.push('--json');
  return [command, 'stop', quoted(String(input.pipelineExecutionArn ?? '')), ...flags].join(' ');
}

/** The first Ctrl-C's notice: whether the stop was sent, the run's last known status, and how to resume. */
export function interruptNotice(tracker: RunTracker, now = Date.now(), output: { json?: boolean } = {}): string {
  const arn = String(tracker.input.pipelineExecutionArn ?? '');
  const sent = !tracker.stopSent
    ? 'interrupted before the stop request was sent: the pipeline execution was not asked to stop.'
    : tracker.stopAccepted
      ? 'interrupted: the stop request was sent and accepted; SageMaker goes on draining the run on its own.'
      : `interrupted: no stop request was needed (the run was already ${tracker.statusAtStop ?? 'not Executing'}).`;
  const status = tracker.lastStatus
    ? `status at the last check (${Math.round((now - (tracker.lastCheckedAt ?? now)) / 1000)} s ago): ${tracker.lastStatus}`
    : 'status not checked yet';
  const command = resumeCommand(tracker.input, invokedAs(), output);
  const resume = tracker.stopSent ? `to wait for it again (nothing is stopped twice): ${command}` : `to stop it: ${command}`;
  return [sent, `  ${arn}: ${status}`, `  ${resume}`, '  (no release of callback steps and no report were made)'].join('\n');
}

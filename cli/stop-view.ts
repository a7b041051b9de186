/**
 * The views of one graceful stop: its progress (each check, the CLI's own look during a drain, a
 * heartbeat on silence) and its result (human or JSON), the same for the local and AWS modes.
 */
import { REQUEST_TIMEOUT_MS } from '#commons/clients.js';
import { drainingSince, type CheckRecord, type GracefulStopState, type OutputDocument, type StepView } from '#graceful-stop/model.js';
import { LiveBlock, type ProgressSink } from './live-block.js';
import { EXIT, failureLine, type StopRunOutcome } from './outcome.js';
import { printable } from './printable.js';

function duration(seconds: number): string {
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** How long a step has drained: since the stop, or since it started if that came later (or its age, before any stop). */
function drainedFor(step: StepView, now: number, stopRequestedAt?: number): string {
  const since = drainingSince(step, stopRequestedAt);
  return since === undefined ? '' : ` for ${duration(Math.max(0, Math.round((now - since) / 1000)))}`;
}

const drainingLines = (draining: StepView[], now: number, stopRequestedAt?: number): string[] =>
  draining.map((step) => `  draining: ${step.type} step '${printable(step.name)}' ${step.status}${drainedFor(step, now, stopRequestedAt)}`);

export function describeCheck(check: CheckRecord, now = Date.now(), stopRequestedAt?: number): string[] {
  const head = `status ${check.status}, waited ${check.waitedSeconds}s, ${check.polls} poll(s)${
    check.deadlinePassed ? ', deadline passed' : check.draining.length > 0 ? `, next check in ${check.nextWaitSeconds}s` : ''
  }`;
  return [head, ...drainingLines(check.draining, now, stopRequestedAt)];
}

/** The CLI's own look at a draining run, between two checks of the state machine. */
export function describeLook(look: ExecutionLook, stopRequestedAt: number, now = Date.now()): string[] {
  const waited = Math.max(0, Math.round((now - stopRequestedAt) / 1000));
  return [
    `status ${look.status}, ${duration(waited)} since the stop (the CLI's own look)`,
    ...drainingLines(look.draining, now, stopRequestedAt),
  ];
}

/**
 * Silence on the terminal never lasts longer than one request timeout of the functions' SDK clients:
 * the heartbeat speaks once the view has been quiet this long (a second below the request timeout,
 * so timer jitter on a busy machine still keeps the promise).
 */
export const HEARTBEAT_MS = Math.min(5_000, Math.max(1_000, REQUEST_TIMEOUT_MS - 1_000));

/** What a long-running task of the graceful stop is waiting for, in the heartbeat line. */
const WAITING_FOR: Record<string, string> = {
  'Stop Pipeline Execution': `waiting for SageMaker to answer StopPipelineExecution (each call times out after ${REQUEST_TIMEOUT_MS / 1000} s and is retried)`,
  'Check Pipeline Execution':
    'watching the execution; waiting for SageMaker to answer DescribePipelineExecution / ListPipelineExecutionSteps',
  'Release Callback Steps': 'waiting for SageMaker to answer SendPipelineExecutionStepFailure',
  'Publish Completion Event': 'waiting for EventBridge to accept the completion event',
};

/** The CLI's own read-only look at the run: its status and the steps still draining. */
export interface ExecutionLook {
  status: string;
  draining: StepView[];
  /** When the look answered (epoch ms). */
  lookedAt: number;
}

export interface ProgressOptions {
  /** The view speaks after this long without a line (ms). */
  heartbeatMs?: number;
  /**
   * A read-only look at the run (DescribePipelineExecution and its steps), taken by the heartbeat
   * while the graceful stop waits for the drain: a slow drain then reads differently from a hung SageMaker.
   */
  look?: () => Promise<ExecutionLook>;
  /** Every look that answered (the Ctrl-C notice keeps the last one). */
  onLook?: (look: ExecutionLook) => void;
}

/** States during which the run is draining and a look tells the user more than "waiting". */
const DRAIN_STATES = new Set([
  'Check Pipeline Execution',
  'Wait For Drain',
  'Wait For Run Events',
  'Pipeline Drained?',
  'Release Callback Steps',
]);

/**
 * Turns the state outputs of a graceful stop (local engine events or AWS
 * execution history, same shape) into progress lines.
 */
export class ProgressView {
  private readonly live: LiveBlock;
  private state?: { name: string; type: string; since: number };
  private heartbeat?: ReturnType<typeof setTimeout>;
  private closed = false;
  private stopRequestedAt?: number;
  private latestLook?: ExecutionLook;
  private shownLook?: ExecutionLook;
  private lookStartedAt?: number;
  private lookError?: string;
  private lookPause?: ReturnType<typeof setTimeout>;
  private readonly heartbeatMs: number;

  constructor(
    private readonly sink: ProgressSink,
    private readonly enabled = true,
    private readonly options: ProgressOptions = {},
  ) {
    this.live = new LiveBlock(sink);
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  }

  /** A Task state began (kept for callers that only see tasks). */
  onTaskEntered(stateName: string, now = Date.now()): void {
    this.onStateEntered(stateName, 'Task', now);
  }

  /** A state began: until the run ends, the view speaks whenever it has been quiet for heartbeatMs. */
  onStateEntered(stateName: string, stateType: string, now = Date.now()): void {
    if (!this.enabled || this.closed) return;
    if (this.state?.name !== stateName || stateType === 'Task') this.state = { name: stateName, type: stateType, since: now };
    if (!this.heartbeat) this.schedule();
  }

  /** Stops the heartbeat; the view writes nothing more. */
  close(): void {
    this.closed = true;
    if (this.heartbeat) clearTimeout(this.heartbeat);
    if (this.lookPause) clearTimeout(this.lookPause);
    this.heartbeat = undefined;
    this.state = undefined;
  }

  /** The next beat, heartbeatMs after the last line (every write reschedules it). */
  private schedule(): void {
    if (this.closed) return;
    if (this.heartbeat) clearTimeout(this.heartbeat);
    this.heartbeat = setTimeout(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref?.();
  }

  /**
   * Looks at the run once every heartbeat while it drains (one look at a time, each bounded by the
   * client's timeouts), keeping the newest answer, or when the look in flight began, for the beat.
   */
  private async keepLooking(look: () => Promise<ExecutionLook>): Promise<void> {
    while (!this.closed) {
      this.lookStartedAt = Date.now();
      try {
        const seen = await look();
        this.latestLook = seen;
        this.lookError = undefined;
        this.options.onLook?.(seen);
      } catch (error) {
        this.lookError = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0] ?? ''}` : String(error);
      } finally {
        this.lookStartedAt = undefined;
      }
      await new Promise<void>((resolve) => {
        this.lookPause = setTimeout(resolve, this.heartbeatMs);
        this.lookPause.unref?.();
      });
    }
  }

  /** Says something whenever the view has been quiet for heartbeatMs: the newest look, a look that hangs, or what the state waits for. */
  private beat(now = Date.now()): void {
    this.heartbeat = undefined;
    const state = this.state;
    if (this.closed || !state) return;
    if (this.stopRequestedAt !== undefined && this.options.look && DRAIN_STATES.has(state.name)) {
      if (this.latestLook && this.latestLook !== this.shownLook) {
        this.shownLook = this.latestLook;
        this.block(describeLook(this.latestLook, this.stopRequestedAt, now));
        return;
      }
      if (this.lookStartedAt !== undefined && now - this.lookStartedAt >= this.heartbeatMs) {
        const seconds = Math.round((now - this.lookStartedAt) / 1000);
        this.line(
          `… ${state.name}: SageMaker has not answered the CLI's own DescribePipelineExecution for ${seconds}s (a hung endpoint, not a slow drain)`,
        );
        return;
      }
      if (this.lookError) {
        this.line(`… ${state.name}: the CLI's own look at the run failed (${printable(this.lookError).slice(0, 160)})`);
        return;
      }
    }
    const seconds = Math.round((now - state.since) / 1000);
    const waitingFor = state.type === 'Task' ? (WAITING_FOR[state.name] ?? 'waiting for it to finish') : 'waiting for the next check';
    this.line(`… ${state.name} running for ${seconds}s: ${waitingFor}`);
  }

  onStateExited(stateName: string, output: unknown): void {
    if (!this.enabled || typeof output !== 'object' || output === null) return;
    const state = output as GracefulStopState;
    if (stateName === 'Stop Pipeline Execution' && state.stop && state.request) {
      if ((state.stop.accepted || state.stop.statusAtStop === 'Stopping') && this.stopRequestedAt === undefined) {
        this.stopRequestedAt = Date.parse(state.stop.requestedAt) || Date.now();
        if (this.options.look) void this.keepLooking(this.options.look);
      }
      const how = state.stop.accepted
        ? 'stop requested'
        : `stop not needed: the execution was already ${state.stop.statusAtStop ?? 'not Executing'}`;
      this.line(`${how} for ${state.request.pipelineExecutionArn} (deadline ${state.request.maxWaitSeconds}s)`);
    } else if (stateName === 'Check Pipeline Execution' && state.check) {
      this.block(describeCheck(state.check, Date.now(), this.stopRequestedAt));
    } else if (stateName === 'Release Callback Steps' && state.released) {
      for (const released of state.released) {
        this.line(`released callback step '${printable(released.stepName)}' (${released.result}, token ${released.callbackToken})`);
      }
    }
  }

  private line(text: string): void {
    this.live.line(text);
    if (this.state) this.schedule();
  }

  /** After a terminal resize: the block drawn at the old width is redrawn at the new one. */
  onResize(): void {
    this.live.onResize();
  }

  private block(lines: string[]): void {
    this.live.block(lines);
    if (this.state) this.schedule();
  }
}

export const exitCodeOf = (outcome: StopRunOutcome): number => (outcome.status === 'SUCCEEDED' ? EXIT.success : EXIT.namedFailure);

export function humanResult(outcome: StopRunOutcome): string {
  if (outcome.status !== 'SUCCEEDED') return failureLine(outcome);
  const document = outcome.output as OutputDocument;
  const lines = [
    `outcome ${document.outcome} (final status ${document.finalStatus}) after ${document.waitedSeconds}s and ${document.polls} poll(s)`,
    ...document.steps.map(
      (step) =>
        `  ${step.type} step '${printable(step.name)}': ${step.status}${step.failureReason ? ` (${printable(step.failureReason)})` : ''}`,
    ),
    ...document.releasedCallbackSteps.map(
      (released) => `  released '${printable(released.stepName)}' at ${released.releasedAt} (${released.result})`,
    ),
    ...(document.leftovers ?? []).map(
      (leftover) =>
        `  left behind by '${printable(leftover.stepName)}': ${leftover.kind} ${printable(leftover.resource)}: ${leftover.action}`,
    ),
  ];
  return lines.join('\n');
}

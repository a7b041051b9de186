/**
 * What SageMaker says of a pipeline execution and its steps, and how a stop of it ended: the one
 * reading that the graceful stop of one run and stop-all's fleet share.
 */

export const EXECUTION_STATUSES = ['Executing', 'Stopping', 'Stopped', 'Failed', 'Succeeded'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['Stopped', 'Failed', 'Succeeded'];
export const isTerminalStatus = (status: string): status is 'Stopped' | 'Failed' | 'Succeeded' =>
  (TERMINAL_STATUSES as readonly string[]).includes(status);

export type StepStatus = 'Starting' | 'Executing' | 'Stopping' | 'Stopped' | 'Failed' | 'Succeeded';
/** Step statuses that mean "still running": a stop waits for these to drain. */
export const DRAINING_STEP_STATUSES: readonly string[] = ['Starting', 'Executing', 'Stopping'];

/** One pipeline step as reported: never a full callback token. */
export interface StepView {
  name: string;
  type: string;
  status: string;
  startedAt?: string;
  endedAt?: string;
  failureReason?: string;
  /** Last characters of the callback token, masked. */
  callbackToken?: string;
}

export interface ReleasedStep {
  stepName: string;
  releasedAt: string;
  callbackToken: string;
  /** AlreadyClosed: the consumer (or SageMaker) closed the token before the release landed. */
  result: 'Released' | 'AlreadyClosed';
}

/** How a graceful stop ends well. */
export const OUTCOMES = ['Stopped', 'AlreadyStopped', 'CompletedBeforeStop', 'AlreadyFailed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The named failures a stop of one run can end with, by what SageMaker said (not by faults on the way). */
export const END_FAILURES = ['PipelineExecutionFailed', 'DrainTimedOut', 'PipelineExecutionNotRunning', 'GracefulStopFailed'] as const;
export type EndFailure = (typeof END_FAILURES)[number];

/** What is known of a run when its stop is judged. */
export interface EndFacts {
  /** Our stop was accepted, or another stop was already draining the run (it was Stopping). */
  stopInEffect: boolean;
  /** The status the run was in when the stop was refused, if it was. */
  statusAtStop?: ExecutionStatus;
  /** The last status seen. */
  status: ExecutionStatus;
  /** Still draining when the deadline passed. */
  deadlinePassed: boolean;
  /** A run that was no longer running is a failure rather than a success. */
  failIfNotRunning: boolean;
}

export type EndClass = { outcome: Outcome; error?: never } | { error: EndFailure; outcome?: never };

/**
 * How a stop ended, from what SageMaker said: one of the OUTCOMES, or a named failure. The graceful
 * stop's report and stop-all's summary both call this; the sentences around it are theirs.
 */
export function classifyEnd(facts: EndFacts): EndClass {
  if (facts.deadlinePassed) return { error: 'DrainTimedOut' };
  if (!facts.stopInEffect) {
    if (facts.failIfNotRunning) return { error: 'PipelineExecutionNotRunning' };
    if (facts.status === 'Stopped') return { outcome: 'AlreadyStopped' };
    if (facts.status === 'Failed') return { outcome: 'AlreadyFailed' };
    if (facts.status === 'Succeeded') return { outcome: 'CompletedBeforeStop' };
  }
  switch (facts.status) {
    case 'Stopped':
      return { outcome: 'Stopped' };
    case 'Succeeded':
      return { outcome: 'CompletedBeforeStop' };
    case 'Failed':
      return { error: 'PipelineExecutionFailed' };
    default:
      return { error: 'GracefulStopFailed' };
  }
}

/** "Step failure: …" says little: the failed steps' own reasons say what went wrong. */
export function failedStepsSentence(steps: readonly StepView[], failureReason: string | undefined): string {
  const failed = steps.filter((step) => step.status === 'Failed');
  if (failed.length === 0) return failureReason ? `: ${failureReason}` : '';
  return `: ${failed.map((step) => `${step.type} step '${step.name}' failed${step.failureReason ? ` (${step.failureReason})` : ''}`).join('; ')}`;
}

/** The sentence of PipelineExecutionFailed: the failed steps' reasons, or the run's. */
export function endedFailedSentence(steps: readonly StepView[], failureReason: string | undefined): string {
  return `The pipeline execution ended Failed instead of Stopped after the stop was requested${failedStepsSentence(steps, failureReason)}.`;
}

/** The sentence of DrainTimedOut: what was still draining (each step described by the caller). */
export function drainTimedOutSentence(status: string, maxWaitSeconds: number, draining: readonly string[]): string {
  return `The pipeline execution was still ${status} after the ${maxWaitSeconds} s deadline; still draining: ${draining.join(', ') || 'no step reported as running'}.`;
}

/**
 * When a step began to drain (epoch ms): at the stop, or when it started if that came later; its start
 * before any stop; undefined when neither is known. "Stopping for N s" counts from here.
 */
export function drainingSince(step: StepView, stopRequestedAtMs: number | undefined): number | undefined {
  const since = Math.max(Date.parse(step.startedAt ?? '') || 0, stopRequestedAtMs ?? 0);
  return since > 0 ? since : undefined;
}

/** A draining step and how long it has drained (since the stop, or since it started if that came later). */
export function describeDrainingStep(step: StepView, now: number, stopRequestedAtMs: number | undefined): string {
  const since = drainingSince(step, stopRequestedAtMs);
  const drained = since === undefined ? '' : ` for ${Math.max(0, Math.round((now - since) / 1000))} s`;
  return `${step.type} step '${step.name}' (${step.status}${drained})`;
}

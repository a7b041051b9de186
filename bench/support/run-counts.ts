import type { RunResult } from '#local/engine/runner.js';

/**
 * State transitions as Step Functions Standard bills them: every state entered,
 * plus every retry of a Task (a retry is another transition).
 */
export function billedTransitions(run: RunResult): number {
  return run.stateTransitions + run.events.filter((event) => event.type === 'StateRetried').length;
}

/** The outcome of a graceful stop: the document's outcome, or the named failure. */
export function outcomeOf(run: RunResult): string {
  if (run.status === 'FAILED') return run.error ?? 'States.Runtime';
  return (run.output as { outcome?: string } | undefined)?.outcome ?? 'unknown';
}

export function stopRequestedAtOf(run: RunResult): string | undefined {
  const document = run.output as { stopRequestedAt?: string | null } | undefined;
  return document?.stopRequestedAt ?? undefined;
}

/**
 * The benches start many runs at once, as an account whose quota of concurrent pipeline executions
 * was raised does (SageMaker's default is 20; the simulator enforces whatever it is given).
 */
export const BENCH_EXECUTION_LIMIT = 100_000;

/** What a graceful-stop run did: the states it went through and what they carried. */
import type { RunResult } from '../../../local/engine/runner.js';

/** State names as the ASL spells them. */
export const S = {
  capture: 'Capture Input',
  stop: 'Stop Pipeline Execution',
  check: 'Check Pipeline Execution',
  drained: 'Pipeline Drained?',
  wait: 'Wait For Drain',
  release: 'Release Callback Steps',
  report: 'Report Outcome',
  publish: 'Publish Completion Event',
  endedWell: 'Ended Well?',
  succeeded: 'Graceful Stop Succeeded',
  notFound: 'Pipeline Execution Not Found',
  failed: 'Pipeline Execution Failed',
  drainTimedOut: 'Drain Timed Out',
} as const;

export const retried = (state: string): string => `retried: ${state}`;

/** StateEntered names in order, with `retried: <state>` where a Retry fired. */
export function pathOf(result: RunResult): string[] {
  return result.events.flatMap((event) => {
    const name = event.state?.name ?? '?';
    if (event.type === 'StateEntered') return [name];
    if (event.type === 'StateRetried') return [retried(name)];
    return [];
  });
}

export const timesEntered = (result: RunResult, state: string): number =>
  result.events.filter((event) => event.type === 'StateEntered' && event.state?.name === state).length;

/**
 * The path with the drain loop collapsed: consecutive rounds of
 * Check → Drained? → Wait show as one round, so a test can state the shape of
 * a run whose number of polls depends on timing. Retry markers are dropped.
 */
export function shapeOf(result: RunResult): string[] {
  const path = pathOf(result).filter((name) => !name.startsWith('retried: '));
  const round: string[] = [S.check, S.drained, S.wait];
  const isRoundAt = (list: string[], at: number): boolean => at >= 0 && round.every((state, k) => list[at + k] === state);
  const shape: string[] = [];
  for (let i = 0; i < path.length; ) {
    if (isRoundAt(path, i)) {
      if (!isRoundAt(shape, shape.length - 3)) shape.push(...round);
      i += 3;
    } else {
      shape.push(path[i] ?? '?');
      i += 1;
    }
  }
  return shape;
}

/** The input a state got the last time it was entered (for Fail states: the report). */
export function lastInputOf(result: RunResult, state: string): Record<string, unknown> {
  const entered = result.events.filter((event) => event.type === 'StateEntered' && event.state?.name === state).at(-1);
  if (!entered) throw new Error(`The run never entered "${state}".`);
  return entered.state?.input as Record<string, unknown>;
}

/** The output document of a graceful stop as the contract defines it. */
export interface OutputDocument {
  pipelineExecutionArn: string;
  pipelineName: string;
  outcome: string | null;
  finalStatus: string | null;
  failureReason?: string;
  stopRequestedAt: string | null;
  finishedAt: string;
  waitedSeconds: number;
  polls: number;
  steps: { name: string; type: string; status: string; failureReason?: string; callbackToken?: string }[];
  releasedCallbackSteps: { stepName: string; releasedAt: string; callbackToken: string; result: string }[];
  reason?: string;
}

/** The report a Fail state received (failed runs have no output; their document is here). */
export function failedReport(result: RunResult, failState: string): { error?: string; cause?: string; document: OutputDocument } {
  return (lastInputOf(result, failState) as { result: { error?: string; cause?: string; document: OutputDocument } }).result;
}

/** What a graceful-stop run did: the states it went through and what they carried. */
import type { RunResult } from '../../../local/engine/runner.js';
import { S, isMarker, lastInputOf, pathOf } from '../../support/run-path.js';

export { S, lastInputOf, pathOf, retried, timesEntered } from '../../support/run-path.js';

/**
 * The path with the drain loop collapsed: consecutive rounds of
 * Check → Drained? → Wait show as one round, so a test can state the shape of
 * a run whose number of polls depends on timing. Retry and Catch markers are dropped.
 */
export function shapeOf(result: RunResult): string[] {
  const path = pathOf(result).filter((name) => !isMarker(name));
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

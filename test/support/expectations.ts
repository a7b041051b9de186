/** Assertions shared by the e2e files. */
import { expect } from 'vitest';
import type { RunResult } from '#local/engine/runner.js';
import type { SimulatorStatsSnapshot } from '#local/simulator/index.js';
import { S, pathOf } from './run-path.js';
import type { OutputDocument } from '#graceful-stop/model.js';

export const START = [S.capture, S.stop];
export const ROUND = [S.check, S.drained, S.wait];
export const LAST_CHECK = [S.check, S.drained];
export const finish = (terminal: string): string[] => [S.report, S.publish, S.endedWell, terminal];
/** The end of a run whose drain ended: its leftovers checked, then the report and the end. */
export const ended = (terminal: string): string[] => [S.leftovers, ...finish(terminal)];

/** A successful run: no error, the Succeed state last; returns the output document. */
export function expectSucceeded(result: RunResult): OutputDocument {
  expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
    status: 'SUCCEEDED',
    error: undefined,
    cause: undefined,
  });
  expect(pathOf(result).at(-1)).toBe(S.succeeded);
  return result.output as OutputDocument;
}

/** A failed run ending in the Fail state `state` with the named `error`; returns the cause. */
export function expectFailed(result: RunResult, state: string, error: string): string {
  expect({ status: result.status, error: result.error, last: pathOf(result).at(-1) }).toEqual({ status: 'FAILED', error, last: state });
  expect(typeof result.cause).toBe('string');
  return result.cause ?? '';
}

/** The SageMaker calls (by operation) and errors (by code) between two simulator snapshots. */
export function statsDelta(
  before: SimulatorStatsSnapshot,
  after: SimulatorStatsSnapshot,
): {
  calls: Record<string, number>;
  errors: Record<string, number>;
  faults: Record<string, number>;
} {
  const diff = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
    Object.fromEntries(
      Object.keys(b)
        .map((key) => [key, (b[key] ?? 0) - (a[key] ?? 0)] as const)
        .filter(([, value]) => value !== 0),
    );
  return {
    calls: diff(before.callsByOperation, after.callsByOperation),
    errors: diff(before.errorsByCode, after.errorsByCode),
    faults: diff(before.faultsInjected, after.faultsInjected),
  };
}

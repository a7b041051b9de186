/**
 * The fault matrix: every fault of fault-table.ts × every scenario,
 * end to end on the SageMaker simulator + SQS emulator + embedded engine with
 * the BUILT handler bundles (run `node scripts/build.mjs` first; `npm test`
 * does). Each cell must end in its documented named outcome within its
 * deadline and leave no poller, timer or execution running.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadBundleInstance } from '#test/support/bundle-instances.js';
import type { RunResult } from '#local/engine/runner.js';
import { createSqsClient, startSqsEmulator, type SqsEmulator } from '#local/sqs/emulator.js';
import { startLocalCloud, type LocalCloud } from '#local/cloud.js';
import type { SqsBatchHandler } from '#local/event-source/sqs-event-source.js';
import { activeTimerCount, withDeadline } from '#local/bounded.js';
import { startSageMakerInterceptor, type SageMakerInterceptor } from '#test/support/sagemaker-interceptor.js';
import {
  FAULTS,
  REQUEST_TIMEOUT_MS,
  SCENARIOS,
  TIME_SCALE,
  cellId,
  matrixCells,
  type Cell,
  type ExpectedEnd,
  type FaultRow,
} from '#test/support/fault-table.js';
import { startMatrix, type CellResult, type MatrixRun } from '#test/support/fault-matrix-runner.js';

const { run: CELLS, notApplicable: NOT_APPLICABLE } = matrixCells();
console.log(
  `fault matrix: ${FAULTS.length} faults × ${SCENARIOS.length} scenarios = ${FAULTS.length * SCENARIOS.length} cells: ` +
    `${CELLS.length} runs, ${NOT_APPLICABLE.length} not applicable`,
);

/** The whole matrix must finish within this (real ms): several times what it takes on an idle 2-core machine. */
const MATRIX_BUDGET_MS = 240_000;
const TERMINAL_AFTER_CLEANUP = ['Stopped', 'Failed', 'Succeeded', 'NotFound'];

const endName = (expected: ExpectedEnd): string => ('outcome' in expected ? expected.outcome : expected.error);

/** What a cell came to, in the words of ExpectedEnd (so a mismatch shows as a readable diff). */
function endOf(result: CellResult): { settled: string; state?: string; end?: string } {
  if (result.run.settled !== 'resolved') return { settled: result.run.settled };
  const run: RunResult = result.run.value;
  const end = run.status === 'SUCCEEDED' ? (run.output as { outcome?: string } | undefined)?.outcome : run.error;
  return { settled: 'resolved', ...(result.finalState ? { state: result.finalState } : {}), ...(end ? { end } : {}) };
}

/** How many faults the cell's simulator must have injected: every counted one, and latency on some calls. */
function injectionsOf(fault: FaultRow): Record<string, number> {
  const spec = fault.simulatorFault?.spec ?? {};
  return Object.fromEntries(
    Object.entries(spec).map(([kind, value]) =>
      kind === 'latencyMs' || kind === 'slow' ? ['latency', -1] : [kind, (value as { nextCalls?: number }).nextCalls ?? -1],
    ),
  );
}

function explain(result: CellResult): string {
  if (result.run.settled === 'rejected') return `the cell failed: ${String(result.run.error)}`;
  if (result.run.settled === 'timedOut') return `the graceful stop was still running after ${result.run.ms} ms`;
  return `error=${result.run.value.error ?? '-'} cause=${result.run.value.cause ?? '-'}`;
}

let sqsEmulator: SqsEmulator;
let interceptor: SageMakerInterceptor;
let sqs: SQSClient;
let matrix: MatrixRun;
let timersBefore: number;
let matrixStartedAt: number;
const clouds: LocalCloud[] = [];

beforeAll(async () => {
  timersBefore = activeTimerCount();
  // One SQS emulator; one SageMaker simulator per cell (started by the matrix), all behind one routing endpoint.
  sqsEmulator = await startSqsEmulator();
  interceptor = await startSageMakerInterceptor();
  // Before the bundles load: they read their environment once, at import.
  process.env.GRACEFUL_STOP_TIME_SCALE = String(TIME_SCALE);
  process.env.GRACEFUL_STOP_REQUEST_TIMEOUT_MS = String(REQUEST_TIMEOUT_MS);
  // A container is a local cloud of its own bundle instances, on the matrix's emulators (the interceptor routes each cell to its simulator).
  const container = async (tag: string) => {
    let consumer: SqsBatchHandler | undefined;
    const cloud = await startLocalCloud({
      emulatorsAt: { sagemakerEndpoint: interceptor.endpoint, sqsEndpoint: sqsEmulator.endpoint },
      events: false,
      loadGracefulStopHandlers: async () => {
        const instance = await loadBundleInstance(tag);
        consumer = instance.consumer;
        return instance.handlers;
      },
    });
    clouds.push(cloud);
    if (!consumer) throw new Error(`The bundle instance ${tag} was not loaded.`);
    return { machine: cloud.gracefulStop, consumer };
  };
  const shared = await container('shared');
  sqs = createSqsClient(sqsEmulator.endpoint);
  matrixStartedAt = Date.now();
  matrix = startMatrix(CELLS, {
    interceptor,
    sqsEndpoint: sqsEmulator.endpoint,
    shared,
    ownContainer: container,
    sqs,
  });
});

afterAll(async () => {
  // Idempotent: the last test closes everything already when it gets that far.
  await withDeadline(matrix?.done ?? Promise.resolve(), MATRIX_BUDGET_MS);
  sqs?.destroy();
  for (const cloud of clouds.splice(0)) await cloud.close();
  await interceptor?.close();
  await sqsEmulator?.close();
});

describe('fault table', () => {
  it('gives every cell it does not run a reason', () => {
    // Prepare
    const cells = NOT_APPLICABLE;
    // Act
    const withoutReason = cells.filter((cell) => cell.reason.trim() === '').map(cellId);
    // Assess
    expect(withoutReason).toEqual([]);
    expect(CELLS.length + NOT_APPLICABLE.length).toBe(FAULTS.length * SCENARIOS.length);
  });

  it('names each fault once and gives it a deadline within the matrix budget', () => {
    // Prepare
    const ids = FAULTS.map((fault) => fault.id);
    // Act
    const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
    // Assess
    expect(duplicates).toEqual([]);
    for (const fault of FAULTS) expect(fault.deadlineMs, fault.id).toBeLessThanOrEqual(MATRIX_BUDGET_MS / 2);
  });
});

describe.each(FAULTS.map((fault) => [`fault: ${fault.title}`, fault] as const))('%s', (_title, fault) => {
  const rows = CELLS.filter((cell) => cell.fault === fault).map(
    (cell: Cell) =>
      [
        `${cell.scenario.title}: ends ${endName(fault.expected)} within ${fault.deadlineMs / 1000} s and leaves nothing running`,
        cell,
      ] as const,
  );

  it.each(rows)(
    '%s',
    async (_name, cell) => {
      // Prepare
      const expected = cell.fault.expected;
      // Act
      const result = await matrix.result(cellId(cell));
      // Assess
      expect(endOf(result), explain(result)).toEqual({ settled: 'resolved', state: expected.state, end: endName(expected) });
      expect(result.run.ms).toBeLessThanOrEqual(cell.fault.deadlineMs);
      if (!('outcome' in expected)) {
        const cause = result.run.settled === 'resolved' ? (result.run.value.cause ?? '') : '';
        for (const text of expected.causeIncludes ?? []) expect(cause).toContain(text);
      }
      for (const [kind, count] of Object.entries(injectionsOf(cell.fault))) {
        // -1: a fault without a count (latency, slow) must have hit at least one call.
        // A fault that persists (1,000 calls) must have hit at least one call; the run ends before it is spent.
        if (count === -1 || count >= 1_000) expect(result.faultsInjected[kind] ?? 0, kind).toBeGreaterThan(0);
        else expect(result.faultsInjected[kind] ?? 0, `${kind} faults injected`).toBe(count);
      }
      if (cell.fault.drains !== false) {
        expect(result.drained, "the scenario's steps were still draining after the stop").toEqual({
          callback: cell.scenario.callback,
          lambda: cell.scenario.lambda,
        });
      }
      if (cell.fault.releasedResults && result.run.settled === 'resolved') {
        const released = (result.run.value.output as { releasedCallbackSteps?: { result: string }[] }).releasedCallbackSteps ?? [];
        expect(released.map((step) => step.result)).toEqual(cell.fault.releasedResults);
      }
      if (cell.fault.midRun) expect(result.midRunDone, `${cell.fault.midRun} happened while the steps drained`).toBe(true);
      if (cell.fault.delivery)
        expect({ failed: result.poller?.failed, handlerErrors: result.poller?.handlerErrors }).toEqual({ failed: 0, handlerErrors: 0 });
      expect(result.poller?.running ?? false, 'callback poller still running').toBe(false);
      expect(TERMINAL_AFTER_CLEANUP).toContain(result.executionAfterCleanup);
      expect(result.simulatorClosed, "the cell's simulator closed, its timers cancelled").toBe(true);
    },
    MATRIX_BUDGET_MS,
  );
});

describe('after the whole matrix', () => {
  it(
    'finished within the matrix budget and left no timer running once the stack closed',
    async () => {
      // Prepare
      const finished = await withDeadline(matrix.done, MATRIX_BUDGET_MS);
      const elapsedMs = Date.now() - matrixStartedAt;
      // Act
      sqs.destroy();
      await interceptor.close();
      await sqsEmulator.close();
      // Timers of closing sockets may take a moment to go: wait for them, boundedly.
      const settleBy = Date.now() + 2_000;
      while (activeTimerCount() > timersBefore && Date.now() < settleBy) await new Promise((resolve) => setTimeout(resolve, 50));
      const timers = activeTimerCount();
      console.log(
        `fault matrix: ${CELLS.length} runs in ${(elapsedMs / 1000).toFixed(1)} s; active timers before ${timersBefore}, after ${timers}`,
      );
      // Assess
      expect(finished.settled).toBe('resolved');
      expect(elapsedMs).toBeLessThan(MATRIX_BUDGET_MS);
      expect(timers).toBeLessThanOrEqual(timersBefore);
    },
    MATRIX_BUDGET_MS + 10_000,
  );
});

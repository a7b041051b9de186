/**
 * The fleet bench's SageMaker simulator and SQS/S3 emulator in a thread of their own, as SageMaker
 * is a system of its own: the stop-all's work (a 2.5 MB ledger parsed and written every cycle) then
 * never delays when a call is received, so the calls counted in each simulated second are the ones
 * the stop-all sent in it. Started by child.ts; it answers its messages and records the calls.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startLocalCloud } from '#local/cloud.js';
import { BENCH_EXECUTION_LIMIT } from '#bench/support/run-counts.js';

export type ThreadRequest = { type: 'observe' } | { type: 'report' } | { type: 'close' };
export type ThreadReply =
  | { type: 'ready'; sagemakerEndpoint: string; sqsEndpoint: string }
  | { type: 'report'; callsByOperation: Record<string, number>; calls: Array<[string, number]> };

async function main(): Promise<void> {
  if (!parentPort) throw new Error('simulator-thread runs as a worker thread of the fleet bench.');
  const port = parentPort;
  const stack = await startLocalCloud({
    parts: 'emulators',
    timeScale: (workerData as { timeScale: number }).timeScale,
    concurrentExecutionLimit: BENCH_EXECUTION_LIMIT,
  });
  const calls: Array<[string, number]> = [];
  let observed: Record<string, number> = {};
  let stop: (() => void) | undefined;
  port.on('message', (message: ThreadRequest) => {
    if (message.type === 'observe') {
      observed = stack.simulator.stats().callsByOperation;
      stop = stack.simulator.observeCalls((operation, atMs) => calls.push([operation, atMs]));
    } else if (message.type === 'report') {
      stop?.();
      const now = stack.simulator.stats().callsByOperation;
      const callsByOperation = Object.fromEntries(
        Object.entries(now)
          .map(([operation, count]) => [operation, count - (observed[operation] ?? 0)])
          .filter(([, count]) => Number(count) > 0),
      );
      port.postMessage({ type: 'report', callsByOperation, calls } satisfies ThreadReply);
    } else {
      void stack.close().then(() => process.exit(0));
    }
  });
  port.postMessage({ type: 'ready', ...stack.endpoints } satisfies ThreadReply);
}

void main();

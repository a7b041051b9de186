/**
 * The organization bench's spokes: many to a worker thread (spokes-thread.ts), started a thread at
 * a time; it forwards their Stop All Completed events to the hub and, at the end, asks each thread
 * for its spokes' figures.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { within } from '#local/bounded.js';
import type { LocalSpoke } from '#local/organization/identity.js';
import type { RunningSpoke, SpokeHost } from '#local/organization/spoke-threads.js';
import type { SpokeFigures, SpokesThreadData, SpokesThreadReply } from './types.js';

/** A thread of spokes that has not started (or answered) within this is a fault. */
const THREAD_MS = 300_000;

export function spokesInThreads(options: Omit<SpokesThreadData, 'spokes'> & { benchDir: string; spokesPerThread: number }) {
  const workers: Worker[] = [];
  const next = <Kind extends SpokesThreadReply['kind']>(worker: Worker, kind: Kind) =>
    within(
      `a thread of spokes to answer ${kind}`,
      new Promise<Extract<SpokesThreadReply, { kind: Kind }>>((resolve, reject) => {
        const listen = (message: SpokesThreadReply): void => {
          if (message.kind !== kind && message.kind !== 'failed') return;
          worker.off('message', listen);
          if (message.kind === 'failed') reject(new Error(message.message));
          else resolve(message as Extract<SpokesThreadReply, { kind: Kind }>);
        };
        worker.on('message', listen);
        worker.once('error', reject);
      }),
      THREAD_MS,
    );
  const host: SpokeHost = async (spokes: readonly LocalSpoke[], hostOptions) => {
    const running: RunningSpoke[] = [];
    for (let from = 0; from < spokes.length; from += options.spokesPerThread) {
      const data: SpokesThreadData = {
        ...options,
        spokes: spokes.slice(from, from + options.spokesPerThread).map(({ accountId, region }) => ({ accountId, region })),
      };
      const worker = new Worker(join(options.benchDir, 'org-spokes.mjs'), {
        workerData: data,
        env: { ...process.env, GRACEFUL_STOP_TIME_SCALE: String(options.timeScale), POWERTOOLS_METRICS_DISABLED: 'true' },
        stdout: true,
      });
      workers.push(worker);
      worker.on('message', (message: SpokesThreadReply) => {
        if (message.kind === 'event') hostOptions.onEvent(message.event);
      });
      const ready = await next(worker, 'ready');
      running.push(...ready.spokes.map((spoke, index) => ({ ...spokes[from + index]!, ...spoke })));
    }
    return {
      spokes: running,
      close: async () => {
        for (const worker of workers.splice(0)) {
          const closed = next(worker, 'closed').catch(() => undefined);
          worker.postMessage({ kind: 'close' });
          await closed;
          await worker.terminate();
        }
      },
    };
  };
  return {
    host,
    async report(): Promise<SpokeFigures[]> {
      const figures: SpokeFigures[] = [];
      for (const worker of workers) {
        const answer = next(worker, 'report');
        worker.postMessage({ kind: 'report' });
        figures.push(...(await answer).spokes);
      }
      return figures;
    },
  };
}

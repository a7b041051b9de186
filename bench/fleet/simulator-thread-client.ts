/** The fleet bench's side of the simulator thread (simulator-thread.ts): start it, ask for its report, close it. */
import { Worker } from 'node:worker_threads';
import type { ThreadReply, ThreadRequest } from './simulator-thread.js';

/** The simulator in a thread of its own (simulator-thread.ts), and what it recorded. */
export async function simulatorThread(timeScale: number) {
  const worker = new Worker(new URL('./fleet-simulator.mjs', import.meta.url), { workerData: { timeScale } });
  const next = <T extends ThreadReply['type']>(type: T): Promise<Extract<ThreadReply, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: ThreadReply): void => {
        if (message.type !== type) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(message as Extract<ThreadReply, { type: T }>);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const ready = await next('ready');
  const send = (message: ThreadRequest): void => worker.postMessage(message);
  return {
    endpoints: { sagemakerEndpoint: ready.sagemakerEndpoint, sqsEndpoint: ready.sqsEndpoint },
    observe: () => send({ type: 'observe' }),
    report: async () => {
      const reply = next('report');
      send({ type: 'report' });
      return reply;
    },
    close: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      send({ type: 'close' });
      await exited;
    },
  };
}

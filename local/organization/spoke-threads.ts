/**
 * The spokes of a local organization, each a whole local cloud in a thread of its own
 * (spoke-thread.ts): what `simulate --accounts` and the tests run. Each thread starts with the
 * spoke's account and region in its environment; a few start at once, each loading its bundles.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { within } from '#local/bounded.js';
import { LOCAL_FUNCTION_ENVIRONMENT } from '#local/engine/functions.js';
import { BundlesNotBuilt } from '#local/engine/load-handlers.js';
import { projectRoot } from '#local/engine/paths.js';
import type { EventBridgeEvent } from '#local/events/event.js';
import type { SeedRunName } from '#local/seed-runs.js';
import type { LocalSpoke } from './identity.js';
import type { SpokeReply, SpokeThreadData } from './spoke-messages.js';

/** A spoke as it runs: where its simulator and its Step Functions are, its stop-all, the runs seeded in it. */
export interface RunningSpoke extends LocalSpoke {
  sagemakerEndpoint: string;
  stepFunctionsEndpoint: string;
  stopAllArn: string;
  runs: string[];
}

export interface SpokeHostOptions {
  timeScale: number;
  executionLimit?: number;
  functionsDir?: string;
  seed?: Partial<Record<SeedRunName, number>>;
  /** `account/region` spokes whose Stop All Completed events are lost before their rules. */
  losingEvents: string[];
  /** Every event a spoke's rules forward to the hub's bus. */
  onEvent: (event: EventBridgeEvent) => void;
  /** What the spokes' functions print. */
  onOutput: (text: string) => void;
}

/** Starts the deployed spokes; `close` ends them all. */
export type SpokeHost = (
  spokes: readonly LocalSpoke[],
  options: SpokeHostOptions,
) => Promise<{ spokes: RunningSpoke[]; close(): Promise<void> }>;

const spokeThreadPath = join(projectRoot, 'dist', 'cli', 'spoke-thread.mjs');
/** A spoke thread that has not started (or closed) within this is a fault. */
const SPOKE_START_MS = 120_000;
/** At most this many spoke threads start at once: each loads its bundles and starts its emulators. */
const STARTING_AT_ONCE = 4;

/** `account/region`: how a local organization names a target. */
export const keyOf = (accountId: string, region: string): string => `${accountId}/${region}`;

/** The environment a spoke thread starts with: this process's, less what the hub set for itself. */
function spokeEnvironment(spoke: LocalSpoke, timeScale: number): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name in LOCAL_FUNCTION_ENVIRONMENT || name.startsWith('AWS_ENDPOINT_URL_')) continue;
    environment[name] = value;
  }
  return { ...environment, LOCAL_ACCOUNT_ID: spoke.accountId, LOCAL_REGION: spoke.region, GRACEFUL_STOP_TIME_SCALE: String(timeScale) };
}

interface SpokeThread {
  spoke: RunningSpoke;
  close(): Promise<void>;
}

async function startSpokeThread(
  spoke: LocalSpoke,
  data: SpokeThreadData,
  onEvent: (event: EventBridgeEvent) => void,
  onOutput: (text: string) => void,
): Promise<SpokeThread> {
  if (!existsSync(spokeThreadPath)) throw new BundlesNotBuilt(spokeThreadPath);
  const where = keyOf(spoke.accountId, spoke.region);
  const worker = new Worker(spokeThreadPath, { workerData: data, env: spokeEnvironment(spoke, data.timeScale) });
  worker.on('message', (message: SpokeReply) => {
    if (message.kind === 'event') onEvent(message.event);
    if (message.kind === 'output') onOutput(message.text);
  });
  const next = <Kind extends SpokeReply['kind']>(kind: Kind) =>
    new Promise<Extract<SpokeReply, { kind: Kind }>>((resolve, reject) => {
      const listen = (message: SpokeReply): void => {
        if (message.kind !== kind && message.kind !== 'failed') return;
        worker.off('message', listen);
        if (message.kind === 'failed') reject(new Error(`The spoke ${where} failed: ${message.message}`));
        else resolve(message as Extract<SpokeReply, { kind: Kind }>);
      };
      worker.on('message', listen);
      worker.once('error', reject);
    });
  try {
    const ready = await within(`the spoke ${where} to start`, next('ready'), SPOKE_START_MS);
    const { stepFunctionsEndpoint, sagemakerEndpoint, stopAllArn, runs } = ready;
    return {
      spoke: { ...spoke, sagemakerEndpoint, stepFunctionsEndpoint, stopAllArn, runs },
      close: async () => {
        const closed = next('closed');
        worker.postMessage({ kind: 'close' });
        await within(`the spoke ${where} to close`, closed, SPOKE_START_MS).catch(() => undefined);
        await worker.terminate();
      },
    };
  } catch (error) {
    await worker.terminate();
    throw error;
  }
}

/** Runs `work` on each item, `width` at a time. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let from = 0; from < items.length; from += width) results.push(...(await Promise.all(items.slice(from, from + width).map(work))));
  return results;
}

/** Each spoke a whole local cloud in a thread of its own. */
export const threadPerSpoke: SpokeHost = async (spokes, options) => {
  const threads: SpokeThread[] = [];
  const close = async () => {
    for (const thread of threads.splice(0)) await thread.close();
  };
  try {
    await inBatches(spokes, STARTING_AT_ONCE, async (spoke) => {
      const data: SpokeThreadData = {
        timeScale: options.timeScale,
        ...(options.executionLimit === undefined ? {} : { executionLimit: options.executionLimit }),
        ...(options.functionsDir === undefined ? {} : { functionsDir: options.functionsDir }),
        ...(options.seed ? { seed: options.seed } : {}),
        ...(options.losingEvents.includes(keyOf(spoke.accountId, spoke.region)) ? { loseStopAllEvents: true } : {}),
      };
      threads.push(await startSpokeThread(spoke, data, options.onEvent, options.onOutput));
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { spokes: threads.map((thread) => thread.spoke), close };
};

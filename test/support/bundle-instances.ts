/**
 * Instances of the BUILT handler bundles (dist/functions), each with its own
 * module state and SDK clients, like separate Lambda containers.
 *
 * Node caches an ES module by URL, so each instance is a byte-identical copy
 * of the bundles in its own directory. The copies live under
 * `node_modules/.cache/`: vitest imports files under node_modules natively
 * instead of transforming them, which takes milliseconds where transforming
 * six 300 KB bundles (and their source maps) takes seconds.
 *
 * The bundles read their environment once, at import: set it first.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SqsBatchHandler } from '../../local/consumer/poller.js';
import { GRACEFUL_STOP_FUNCTIONS, type HandlerTable, type LocalHandler } from '../../local/engine/functions.js';
import { applyFunctionEnvironment, BundlesNotBuilt } from '../../local/engine/load-handlers.js';
import { projectRoot } from '../../local/engine/paths.js';

export interface BundleInstance {
  /** The graceful-stop handlers, by logical id. */
  handlers: HandlerTable;
  /** The reference callback consumer. */
  consumer: SqsBatchHandler;
}

const distDir = join(projectRoot, 'dist', 'functions');
const instancesDir = join(projectRoot, 'node_modules', '.cache', 'graceful-stop-bundle-instances', String(process.pid));
const CONSUMER = 'callback-consumer';

/** Copies the bundles for `tag` (once) and imports them. The same tag gives the same instance. */
export async function loadBundleInstance(tag: string): Promise<BundleInstance> {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(tag)) throw new RangeError(`Bundle instance tag "${tag}" must be 1-64 letters, digits and hyphens.`);
  applyFunctionEnvironment();
  const dir = join(instancesDir, tag);
  const files = [...Object.values(GRACEFUL_STOP_FUNCTIONS), CONSUMER];
  mkdirSync(dir, { recursive: true });
  for (const file of files) {
    const source = join(distDir, `${file}.mjs`);
    if (!existsSync(source)) throw new BundlesNotBuilt(source);
    const copy = join(dir, `${file}.mjs`);
    if (!existsSync(copy)) cpSync(source, copy);
  }
  const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(join(dir, `${file}.mjs`)).href)) as T;
  const entries = await Promise.all(
    Object.entries(GRACEFUL_STOP_FUNCTIONS).map(async ([logicalId, file]) => [logicalId, (await load<{ handler: LocalHandler }>(file)).handler] as const),
  );
  return {
    handlers: Object.fromEntries(entries) as HandlerTable,
    consumer: (await load<{ handler: SqsBatchHandler }>(CONSUMER)).handler,
  };
}

/** Deletes this process's copies (the loaded modules stay usable). */
export function removeBundleInstances(): void {
  rmSync(instancesDir, { recursive: true, force: true });
}

/**
 * Instances of the BUILT handler bundles (dist/functions), each with its own
 * module state and SDK clients, like separate Lambda containers.
 *
 * Node caches an ES module by URL, so the same bundle imported with another
 * `?instance=` query is evaluated again. vitest.config.ts lets Node load
 * dist/ itself (no transform), so an instance costs milliseconds.
 *
 * The bundles read their environment once, at import: set it first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SqsBatchHandler } from '#local/event-source/sqs-event-source.js';
import { GRACEFUL_STOP_FUNCTIONS, type HandlerTable, type LocalHandler } from '#local/engine/functions.js';
import { applyFunctionEnvironment, BundlesNotBuilt } from '#local/engine/load-handlers.js';
import { projectRoot } from '#local/engine/paths.js';

export interface BundleInstance {
  /** The graceful-stop handlers, by logical id. */
  handlers: HandlerTable;
  /** The reference callback consumer. */
  consumer: SqsBatchHandler;
}

const distDir = join(projectRoot, 'dist', 'functions');

async function importInstance<T>(file: string, tag: string): Promise<T> {
  const path = join(distDir, `${file}.mjs`);
  if (!existsSync(path)) throw new BundlesNotBuilt(path);
  return (await import(`${pathToFileURL(path).href}?instance=${encodeURIComponent(tag)}`)) as T;
}

/** The bundles evaluated under `tag`: the same tag gives the same instance, another tag a fresh one. */
export async function loadBundleInstance(tag: string): Promise<BundleInstance> {
  applyFunctionEnvironment();
  const entries = await Promise.all(
    Object.entries(GRACEFUL_STOP_FUNCTIONS).map(
      async ([logicalId, file]) => [logicalId, (await importInstance<{ handler: LocalHandler }>(file, tag)).handler] as const,
    ),
  );
  return {
    handlers: Object.fromEntries(entries) as HandlerTable,
    consumer: (await importInstance<{ handler: SqsBatchHandler }>('callback-consumer', tag)).handler,
  };
}

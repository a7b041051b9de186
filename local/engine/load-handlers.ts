import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GRACEFUL_STOP_FUNCTIONS, LOCAL_FUNCTION_ENVIRONMENT, type HandlerTable, type LocalHandler } from './functions.js';
import { projectRoot } from './paths.js';
import { NamedError } from '#commons/errors.js';

export class BundlesNotBuilt extends NamedError {
  constructor(missing: string) {
    super('BundlesNotBuilt', `The handler bundle ${missing} does not exist; run "npm run build" first.`);
  }
}

/** Sets the handlers' environment (unless already set) before they load: they read it once at import. */
export function applyFunctionEnvironment(overrides: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries({ ...LOCAL_FUNCTION_ENVIRONMENT, ...overrides })) {
    if (overrides[name] !== undefined || process.env[name] === undefined) process.env[name] = value;
  }
}

export const defaultBundleDir = join(projectRoot, 'dist', 'functions');

/** Imports the `handler` of each bundle named in `table` (logical id → file name) from `distDir`. */
export async function loadBundles<Id extends string>(
  table: Record<Id, string>,
  distDir = defaultBundleDir,
): Promise<Record<Id, LocalHandler>> {
  const entries = await Promise.all(
    (Object.entries(table) as [Id, string][]).map(async ([logicalId, file]) => {
      const path = join(distDir, `${file}.mjs`);
      if (!existsSync(path)) throw new BundlesNotBuilt(path);
      const module = (await import(pathToFileURL(path).href)) as { handler: LocalHandler };
      return [logicalId, module.handler] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Id, LocalHandler>;
}

/** Loads a state machine's bundles from dist/functions (what `npm run build` and `sam build` produce), in the template's environment. */
export async function loadBuiltBundles<Id extends string>(
  table: Record<Id, string>,
  distDir = defaultBundleDir,
): Promise<Record<Id, LocalHandler>> {
  applyFunctionEnvironment();
  return loadBundles(table, distDir);
}

/** Loads the graceful-stop bundles. */
export function loadBuiltHandlers(distDir = defaultBundleDir): Promise<HandlerTable> {
  return loadBuiltBundles(GRACEFUL_STOP_FUNCTIONS, distDir);
}

/**
 * Child process: one cold import of a handler bundle, timed inside this fresh
 * process with process.hrtime around `await import(bundle)` (Node's own start
 * is not included). Started by bench/cold-start.ts.
 */
import { pathToFileURL } from 'node:url';
import { runChild, readChildSpec } from '#bench/support/child-protocol.js';
import type { ImportChildResult, ImportChildSpec } from '#bench/support/types.js';

async function main(): Promise<ImportChildResult> {
  const { bundlePath } = readChildSpec<ImportChildSpec>();
  const url = pathToFileURL(bundlePath).href;
  const started = process.hrtime.bigint();
  await import(url);
  const importMilliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  return { importMilliseconds };
}

runChild(main);

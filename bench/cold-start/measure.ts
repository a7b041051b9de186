import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_VARIANTS, buildVariant, bytesByPackage, staticBuiltinsOf, type BuiltBundle } from './bundle-variants.js';

import { spawnChild } from '#bench/support/spawn-child.js';
import { maximum, median, minimum, round } from '#bench/support/summary-stats.js';
import { functionEnvironment, type BuildScript, type Template } from '#bench/support/template-build.js';
import type { ImportChildResult, ImportChildSpec } from '#bench/support/types.js';

/** Fresh `node` processes per (function, variant): at least 10, for a stable median. */
export const IMPORT_REPEATS = 10;
const IMPORT_TIMEOUT_MS = 30_000;

export interface ImportTimes {
  medianMs: number;
  minMs: number;
  maxMs: number;
  samples: number;
  failures: number;
}

export interface FunctionColdStart {
  logicalId: string;
  /** Per variant: bundle size (KB = 1,000 bytes, source map excluded) and import time. */
  variants: Record<string, { kilobytes: number; importMs: ImportTimes }>;
  /** The template bundle imported with NODE_OPTIONS=--enable-source-maps, as template.yaml deploys it. */
  templateWithSourceMapsMs: ImportTimes;
  /** What fills the template bundle, per package (KB). */
  largestPackages: { name: string; kilobytes: number }[];
  /** The Node built-ins the bundle imports statically, and importing only them: the floor. */
  builtins: string[];
  builtinsOnlyMs: ImportTimes;
}

interface ImportJob {
  path: string;
  logicalId: string;
  key: string;
  sourceMaps: boolean;
}

/** A module importing only the given built-ins, one file per distinct set. */
function writeBuiltinsModule(outRoot: string, builtins: readonly string[]): string {
  const dir = join(outRoot, 'builtins-only');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${builtins.map((name) => name.replace(/\W/g, '_')).join('-') || 'none'}.mjs`);
  writeFileSync(path, `${builtins.map((name) => `import '${name}';`).join('\n')}\nexport {};\n`);
  return path;
}

const summarize = (samples: number[], failures: number): ImportTimes => ({
  medianMs: round(median(samples)),
  minMs: round(minimum(samples)),
  maxMs: round(maximum(samples)),
  samples: samples.length,
  failures,
});

/**
 * Builds every function of the template in each variant (into the
 * workspace), then imports each bundle in fresh processes, round robin so
 * background load hits every variant alike.
 */
export async function measureColdStarts(
  script: BuildScript,
  template: Template,
  root: string,
  outRoot: string,
  importChild: string,
): Promise<FunctionColdStart[]> {
  const functions = script.functionsOf(template);
  const bundles: BuiltBundle[] = [];
  for (const fn of functions) {
    for (const variant of BUNDLE_VARIANTS) bundles.push(await buildVariant(script, root, fn, variant, outRoot));
  }
  const templates = bundles.filter((bundle) => bundle.variant === 'template');
  const builtinsPaths = new Map(
    templates.map((bundle) => [bundle.logicalId, writeBuiltinsModule(outRoot, staticBuiltinsOf(bundle.metafile))]),
  );
  const jobs: ImportJob[] = [
    ...bundles.map((bundle) => ({
      path: bundle.path,
      logicalId: bundle.logicalId,
      key: `${bundle.logicalId}/${bundle.variant}`,
      sourceMaps: false,
    })),
    ...templates.map((bundle) => ({
      path: bundle.path,
      logicalId: bundle.logicalId,
      key: `${bundle.logicalId}/template+maps`,
      sourceMaps: true,
    })),
    // One job per distinct built-in set: functions sharing a set share the measurement.
    ...[...new Set(builtinsPaths.values())].map((path) => ({ path, logicalId: templates[0]!.logicalId, key: path, sourceMaps: false })),
  ];
  const samples = new Map<string, number[]>();
  const failures = new Map<string, number>();
  for (let round = 0; round < IMPORT_REPEATS; round += 1) {
    for (const job of jobs) {
      const env = { ...functionEnvironment(template, job.logicalId), NODE_OPTIONS: job.sourceMaps ? '--enable-source-maps' : '' };
      const spec: ImportChildSpec = { bundlePath: job.path };
      const run = await spawnChild<ImportChildResult>(importChild, spec, env, IMPORT_TIMEOUT_MS);
      if (run.result) samples.set(job.key, [...(samples.get(job.key) ?? []), run.result.importMilliseconds]);
      else failures.set(job.key, (failures.get(job.key) ?? 0) + 1);
    }
  }
  const timesOf = (key: string): ImportTimes => summarize(samples.get(key) ?? [], failures.get(key) ?? 0);
  return functions.map((fn) => {
    const own = bundles.filter((bundle) => bundle.logicalId === fn.logicalId);
    const template = own.find((bundle) => bundle.variant === 'template')!;
    return {
      logicalId: fn.logicalId,
      variants: Object.fromEntries(
        own.map((bundle) => [
          bundle.variant,
          { kilobytes: round(bundle.bytes / 1000), importMs: timesOf(`${fn.logicalId}/${bundle.variant}`) },
        ]),
      ),
      templateWithSourceMapsMs: timesOf(`${fn.logicalId}/template+maps`),
      largestPackages: bytesByPackage(template.metafile).map(({ name, bytes }) => ({ name, kilobytes: round(bytes / 1000) })),
      builtins: staticBuiltinsOf(template.metafile),
      builtinsOnlyMs: timesOf(builtinsPaths.get(fn.logicalId) ?? ''),
    };
  });
}

export const importChildPath = (benchDir: string): string => join(benchDir, 'import-child.mjs');

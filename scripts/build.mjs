#!/usr/bin/env node
// Builds one bundle per Lambda function with the very esbuild options the
// SAM template declares (read from template.yaml: one source of truth), and
// the local CLI. Output goes to dist/ (git-ignored).
import { build } from 'esbuild';
import { chmodSync, readFileSync, existsSync, rmSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlParse } from 'yaml-cfn';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const template = yamlParse(readFileSync(join(root, 'template.yaml'), 'utf8'));

/** `KEY=VALUE` (SAM's list form) → [KEY, VALUE]; the value may itself contain `=`. */
const keyValue = (pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];

/** Maps SAM's esbuild BuildProperties onto esbuild's API options. */
export function esbuildOptionsFrom(properties) {
  return {
    bundle: true,
    format: properties.Format ?? 'cjs',
    platform: properties.Platform ?? 'node',
    target: properties.Target,
    minify: properties.Minify === true,
    sourcemap: properties.Sourcemap === true,
    mainFields: properties.MainFields ? String(properties.MainFields).split(',') : undefined,
    outExtension: Object.fromEntries((properties.OutExtension ?? []).map(keyValue)),
    banner: Object.fromEntries((properties.Banner ?? []).map(keyValue)),
    external: properties.External ?? [],
    logLevel: 'warning',
  };
}

export function functionsOf(parsed) {
  const codeUri = parsed.Globals?.Function?.CodeUri ?? '';
  return Object.entries(parsed.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function' && resource.Metadata?.BuildMethod === 'esbuild')
    .map(([logicalId, resource]) => ({
      logicalId,
      codeUri: resource.Properties.CodeUri ?? codeUri,
      properties: resource.Metadata.BuildProperties,
    }));
}

/** Moves every file of `from` into `to`, one atomic rename each, so a reader never sees a half-written bundle. */
function moveInto(from, to) {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    if (statSync(source).isDirectory()) moveInto(source, join(to, name));
    else renameSync(source, join(to, name));
  }
}

async function main() {
  // Build into a staging folder and swap files in: tests running meanwhile keep working bundles.
  const staging = join(root, 'dist', `.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const out = (...parts) => join(staging, ...parts);
  const jobs = functionsOf(template).map(({ logicalId, codeUri: uri, properties }) => {
    const entryPoints = properties.EntryPoints.map((entry) => join(root, uri, entry));
    for (const entry of entryPoints) {
      if (!existsSync(entry)) throw new Error(`${logicalId}: entry point ${entry} does not exist`);
    }
    return build({ ...esbuildOptionsFrom(properties), entryPoints, outdir: out('functions'), metafile: false });
  });
  // The CLI and the bench run on this machine's Node, with node_modules beside them.
  const localBundle = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' };
  const cli = join(root, 'cli', 'main.ts');
  if (existsSync(cli)) {
    jobs.push(
      // Split into chunks: each command's modules (and the packages they import) load only when it
      // runs, so --help and --version answer without loading the SDK, the engine or the simulator.
      build({
        ...localBundle,
        // The spoke thread: each spoke of a local organization (simulate --accounts) runs in a worker thread of its own.
        entryPoints: { 'graceful-stop': cli, 'spoke-thread': join(root, 'local', 'organization', 'spoke-thread.ts') },
        splitting: true,
        sourcemap: true,
        outdir: out('cli'),
        outExtension: { '.js': '.mjs' },
        chunkNames: 'chunks/[name]-[hash]',
        banner: { js: '#!/usr/bin/env node' },
      }),
    );
  }
  // npm run bench: the runner and the child processes it spawns (bench/README.md).
  // One folder per measurement; the children keep flat names in dist/bench, where the runner spawns them.
  const benchEntries = Object.fromEntries(
    Object.entries({
      run: 'run',
      'drain-child': 'drains/child',
      'concurrency-child': 'concurrency/child',
      'import-child': 'cold-start/child',
      'fleet-child': 'fleet/child',
      'fleet-simulator': 'fleet/simulator-thread',
      'events-child': 'events/child',
      'org-child': 'org/child',
      'org-spokes': 'org/spokes-thread',
      'limits-child': 'limits/child',
    })
      .map(([name, source]) => [name, join(root, 'bench', `${source}.ts`)])
      .filter(([, entry]) => existsSync(entry)),
  );
  if (Object.keys(benchEntries).length > 0) {
    jobs.push(
      build({
        ...localBundle,
        entryPoints: benchEntries,
        outdir: out('bench'),
        outExtension: { '.js': '.mjs' },
      }),
    );
  }
  try {
    await Promise.all(jobs);
    // The package bin: npx graceful-stop runs it directly, so it must stay executable after every build.
    const bin = out('cli', 'graceful-stop.mjs');
    if (existsSync(bin)) chmodSync(bin, 0o755);
    const fresh = new Set(existsSync(out('cli', 'chunks')) ? readdirSync(out('cli', 'chunks')) : []);
    moveInto(staging, join(root, 'dist'));
    // Chunks of an earlier build that this one no longer refers to (their names carry a content hash).
    const chunks = join(root, 'dist', 'cli', 'chunks');
    if (existsSync(chunks)) for (const name of readdirSync(chunks)) if (!fresh.has(name)) rmSync(join(chunks, name), { force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}

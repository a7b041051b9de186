#!/usr/bin/env node
// Builds one bundle per Lambda function with the very esbuild options the
// SAM template declares (read from template.yaml: one source of truth), and
// the local CLI. Output goes to dist/ (git-ignored).
import { build } from 'esbuild';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlParse } from 'yaml-cfn';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const template = yamlParse(readFileSync(join(root, 'template.yaml'), 'utf8'));
const codeUri = template.Globals?.Function?.CodeUri ?? '';

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
    outExtension: Object.fromEntries((properties.OutExtension ?? []).map((pair) => pair.split('='))),
    banner: Object.fromEntries((properties.Banner ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
    external: properties.External ?? [],
    logLevel: 'warning',
  };
}

export function functionsOf(parsed) {
  return Object.entries(parsed.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function' && resource.Metadata?.BuildMethod === 'esbuild')
    .map(([logicalId, resource]) => ({
      logicalId,
      codeUri: resource.Properties.CodeUri ?? codeUri,
      properties: resource.Metadata.BuildProperties,
    }));
}

async function main() {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const jobs = functionsOf(template).map(({ logicalId, codeUri: uri, properties }) => {
    const entryPoints = properties.EntryPoints.map((entry) => join(root, uri, entry));
    for (const entry of entryPoints) {
      if (!existsSync(entry)) throw new Error(`${logicalId}: entry point ${entry} does not exist`);
    }
    return build({ ...esbuildOptionsFrom(properties), entryPoints, outdir: join(root, 'dist', 'functions'), metafile: false });
  });
  const cli = join(root, 'local', 'cli', 'main.ts');
  if (existsSync(cli)) {
    jobs.push(
      build({
        entryPoints: [cli],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        sourcemap: true,
        outfile: join(root, 'dist', 'cli', 'graceful-stop.mjs'),
        banner: { js: '#!/usr/bin/env node' },
        logLevel: 'warning',
      }),
    );
  }
  // npm run bench: the runner and the child processes it spawns (bench/README.md).
  const benchEntries = ['run', 'drain-child', 'concurrency-child', 'import-child']
    .map((name) => join(root, 'bench', `${name}.ts`))
    .filter((entry) => existsSync(entry));
  if (benchEntries.length > 0) {
    jobs.push(
      build({
        entryPoints: benchEntries,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        outdir: join(root, 'dist', 'bench'),
        outExtension: { '.js': '.mjs' },
        logLevel: 'warning',
      }),
    );
  }
  await Promise.all(jobs);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}

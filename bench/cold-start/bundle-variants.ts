import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import type { BuildScript, TemplateFunction } from '#bench/support/template-build.js';

/** One way to bundle a handler: the template's esbuild options plus overrides. */
export interface BundleVariant {
  name: string;
  label: string;
  overrides(base: BuildOptions): BuildOptions;
}

export const BUNDLE_VARIANTS: readonly BundleVariant[] = [
  { name: 'template', label: 'as template.yaml builds it', overrides: () => ({}) },
  { name: 'default-main-fields', label: 'default esbuild main fields', overrides: () => ({ mainFields: undefined }) },
  {
    name: 'sdk-external',
    label: '@aws-sdk/* external',
    overrides: (base) => ({ external: [...(base.external ?? []), '@aws-sdk/*'] }),
  },
];

export interface BuiltBundle {
  logicalId: string;
  variant: string;
  path: string;
  bytes: number;
  metafile: Metafile;
}

/** Builds one function as one variant into `outRoot/<variant>/`. */
export async function buildVariant(
  script: BuildScript,
  root: string,
  fn: TemplateFunction,
  variant: BundleVariant,
  outRoot: string,
): Promise<BuiltBundle> {
  const base = script.esbuildOptionsFrom(fn.properties);
  const entry = fn.properties.EntryPoints[0];
  if (!entry) throw new Error(`${fn.logicalId} has no EntryPoints.`);
  const outdir = join(outRoot, variant.name);
  const result = await build({ ...base, ...variant.overrides(base), entryPoints: [join(root, fn.codeUri, entry)], outdir, metafile: true });
  const extension = (base.outExtension ?? {})['.js'] ?? '.js';
  const path = join(outdir, `${basename(entry).replace(/\.[cm]?tsx?$/, '')}${extension}`);
  return { logicalId: fn.logicalId, variant: variant.name, path, bytes: statSync(path).size, metafile: result.metafile };
}

/**
 * The Node built-in modules a bundle imports statically: loading them is a
 * floor under the bundle's cold import that no bundling option removes.
 */
export function staticBuiltinsOf(metafile: Metafile): string[] {
  const builtins = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    if (!output.entryPoint) continue;
    for (const imported of output.imports) {
      if (imported.external && imported.kind === 'import-statement' && imported.path.startsWith('node:')) builtins.add(imported.path);
    }
  }
  return [...builtins].sort();
}

/** Bytes in the output per npm package (or local folder), largest first. */
export function bytesByPackage(metafile: Metafile, top = 6): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    if (!output.entryPoint) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? input.split('/').slice(0, 2).join('/');
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}

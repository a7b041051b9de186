#!/usr/bin/env node
// Proves that `sam build` and `npm run build` produce the same bundles: every
// file SAM wrote for each esbuild function of template.yaml
// (.aws-sam/build/<LogicalId>/) must be byte for byte the file of the same
// name in dist/functions/. Exits 1 naming each difference.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlParse } from 'yaml-cfn';
import { functionsOf } from './build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const template = yamlParse(readFileSync(join(root, 'template.yaml'), 'utf8'));
const problems = [];
let compared = 0;
for (const { logicalId } of functionsOf(template)) {
  const samDir = join(root, '.aws-sam', 'build', logicalId);
  if (!existsSync(samDir)) {
    problems.push(`${logicalId}: sam build wrote no ${samDir}`);
    continue;
  }
  const files = readdirSync(samDir);
  if (files.length === 0) problems.push(`${logicalId}: ${samDir} is empty`);
  for (const name of files) {
    const ours = join(root, 'dist', 'functions', name);
    if (!existsSync(ours)) problems.push(`${logicalId}: ${name} is not in dist/functions`);
    else if (!readFileSync(ours).equals(readFileSync(join(samDir, name))))
      problems.push(`${logicalId}: ${name} differs from dist/functions/${name}`);
    else compared += 1;
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`sam build and npm run build agree: ${compared} files, byte for byte`);

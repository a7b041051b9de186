/**
 * `npm run test:unit` (`vitest run --mode unit`) is the fast loop: the suites it runs - every suite
 * but those vitest.config.ts's NOT_UNIT names - start no child process and no emulator, and read no
 * built bundle, so it needs no build.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';

const { NOT_UNIT } = (await import(pathToFileURL(join(projectRoot, 'vitest.config.ts')).href)) as { NOT_UNIT: string[] };
const script = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
  'test:unit'
];

function testFiles(folder: string): string[] {
  return readdirSync(join(projectRoot, folder)).flatMap((name) => {
    const path = `${folder}/${name}`;
    if (statSync(join(projectRoot, path)).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A glob as vitest reads these ones: `**` any folders, `*` any characters of one name. */
const globPattern = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\//g, '<any folders>')
      .replace(/\*\*/g, '<anything>')
      .replace(/\*/g, '[^/]*')
      .replace(/<any folders>/g, '(?:.*/)?')
      .replace(/<anything>/g, '.*')}$`,
  );

/** What a suite that starts a process, an emulator or the built bundles imports or calls. */
const HEAVY = [
  'node:child_process',
  '#test/support/cli-process.js',
  'startLocalCloud',
  'startTestCloud',
  'useTestCloud',
  'loadBuilt',
  'dist/functions',
];

describe('npm run test:unit', () => {
  const excluded = NOT_UNIT.map(globPattern);
  const files = testFiles('test').filter((file) => !excluded.some((pattern) => pattern.test(file)));

  it('is vitest in its unit mode', () => {
    expect(script).toBe('vitest run --mode unit');
  });

  it('runs the unit suites of the functions, the template, the CLI, the layout and the state machines, and no simulator suite', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files).toContain('test/statemachine/stop-all.test.ts');
    expect(files).toContain('test/functions/commons/handler.test.ts');
    expect(files).not.toContain('test/entrypoints/stop-all.simulator.test.ts');
    expect(files.some((file) => file.startsWith('test/e2e/'))).toBe(false);
  });

  it('runs no suite that starts a process, an emulator or the built bundles', () => {
    // This file names what it looks for: it is the one file those words may appear in.
    const heavy = files
      .filter((file) => file !== 'test/layout/unit-suite.test.ts')
      .filter((file) => {
        const text = readFileSync(join(projectRoot, file), 'utf8');
        return HEAVY.some((word) => text.includes(word));
      });
    expect(heavy).toEqual([]);
  });
});

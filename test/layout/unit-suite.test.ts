/**
 * `npm run test:unit` is the fast loop: the suites it selects start no child process and no
 * emulator, and read no built bundle, so it needs no build and runs in seconds.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';

const script = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
  'test:unit'
];

function testFiles(folder: string): string[] {
  return readdirSync(join(projectRoot, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(join(projectRoot, path)).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The files the script selects: its folders, less its --exclude globs (a `**\/*.x.test.ts` suffix or a path). */
function selected(): string[] {
  const words = (script ?? '').split(/\s+/).map((word) => word.replace(/^"|"$/g, ''));
  const folders = words.filter((word) => word.startsWith('test/') && !word.endsWith('.ts'));
  const excluded = words.flatMap((word, index) => (words[index - 1] === '--exclude' ? [word] : []));
  const isExcluded = (file: string): boolean =>
    excluded.some((glob) => (glob.startsWith('**/*') ? file.endsWith(glob.slice(4)) : file === glob));
  return folders.flatMap(testFiles).filter((file) => !isExcluded(file));
}

/** What a suite that starts a process, an emulator or the built bundles imports or calls. */
const HEAVY = [
  /node:child_process/,
  /#test\/support\/cli-process\.js/,
  /startLocalCloud|startTestCloud|useTestCloud|startSageMakerSimulator/,
  /loadBuilt|dist\/functions/,
];

describe('npm run test:unit', () => {
  const files = selected();

  it('selects the unit suites of the functions, the template, the CLI, the layout and the state machines', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files).toContain('test/statemachine/stop-all.test.ts');
    expect(files).not.toContain('test/entrypoints/stop-all.simulator.test.ts');
  });

  it('selects no suite that starts a process, an emulator or the built bundles', () => {
    // This file names the patterns it looks for: it is the one file they may appear in.
    const heavy = files
      .filter((file) => file !== 'test/layout/unit-suite.test.ts')
      .filter((file) => {
        const text = readFileSync(join(projectRoot, file), 'utf8');
        return HEAVY.some((pattern) => pattern.test(text));
      });
    expect(heavy.map((file) => relative('.', file))).toEqual([]);
  });
});

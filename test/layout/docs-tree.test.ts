/**
 * docs/development.md's map of the house, kept true: every path it names exists, and every folder
 * of the code and the tests is on it (git-ignored output such as bench/results is not).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';

/** The paths the map names: the first word of each line of its code block that is not a continuation. */
function mappedPaths(): string[] {
  const page = readFileSync(join(projectRoot, 'docs', 'development.md'), 'utf8');
  const section = page.slice(page.indexOf('## Where things live'));
  const block = section.slice(section.indexOf('```\n') + 4, section.indexOf('\n```', section.indexOf('```\n') + 4));
  return block
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith(' '))
    .map((line) => line.split(/\s+/)[0] ?? '');
}

/** Folders that are output, not source: git ignores them. */
const IGNORED = new Set(['bench/results', 'node_modules', 'dist']);

/** Every folder below `root`, `depth` levels down at most, as project-relative paths ending in '/'. */
function foldersOf(root: string, depth: number): string[] {
  if (depth === 0) return [];
  return readdirSync(join(projectRoot, root))
    .filter((name) => !name.startsWith('.') && statSync(join(projectRoot, root, name)).isDirectory())
    .map((name) => `${root}/${name}`)
    .filter((folder) => !IGNORED.has(folder))
    .flatMap((folder) => [`${folder}/`, ...foldersOf(folder, depth - 1)]);
}

describe("docs/development.md's map", () => {
  const paths = mappedPaths();

  it('names the rooms of the house (it is read at all)', () => {
    expect(paths).toContain('functions/commons/');
    expect(paths).toContain('test/support/');
  });

  it('names only paths that exist', () => {
    expect(paths.filter((path) => !existsSync(join(projectRoot, path)))).toEqual([]);
  });

  it('names every folder of functions/, cli/, local/, bench/ and test/', () => {
    const folders = [
      ...foldersOf('functions', 1),
      ...foldersOf('cli', 1),
      ...foldersOf('local', 2),
      ...foldersOf('bench', 1),
      // test/functions mirrors functions/ folder by folder: the map names it once.
      ...foldersOf('test', 2).filter((folder) => !folder.startsWith('test/functions/')),
    ];
    expect(folders.filter((folder) => !paths.includes(folder))).toEqual([]);
  });
});

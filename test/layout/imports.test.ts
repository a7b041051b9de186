/**
 * The layout's rules, kept by a test: no import circle anywhere in the house, and each room
 * imports only from the rooms below it (bench → cli → local → functions; inside functions/, a
 * feature imports its own files and commons/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../local/engine/paths.js';

const ROOMS = ['functions', 'local', 'cli', 'bench'] as const;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import (static, re-export or dynamic) of each file, as project-relative paths of .ts files. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const room of ROOMS) {
    for (const file of sourceFiles(join(projectRoot, room))) {
      const text = readFileSync(file, 'utf8');
      const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map((match) => match[1] ?? '');
      graph.set(
        relative(projectRoot, file),
        specifiers.map((specifier) => relative(projectRoot, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts')),
      );
    }
  }
  return graph;
}

/** The import circles: each as the list of files around it. */
function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'visiting') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next) && graph.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

const roomOf = (file: string): string => file.split('/')[0] ?? '';
const featureOf = (file: string): string => file.split('/')[1] ?? '';

describe('the import graph', () => {
  const graph = importGraph();

  it('reads the sources of every room', () => {
    expect([...graph.keys()].some((file) => file.startsWith('functions/graceful-stop/'))).toBe(true);
    expect([...graph.keys()].some((file) => file.startsWith('cli/commands/'))).toBe(true);
  });

  it('has no import circle', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('imports only downwards: bench → cli → local → functions', () => {
    const order = new Map<string, number>(ROOMS.map((room, index) => [room, index]));
    const upwards = [...graph].flatMap(([file, imports]) =>
      imports.filter((target) => (order.get(roomOf(target)) ?? -1) > (order.get(roomOf(file)) ?? -1)).map((target) => `${file} → ${target}`),
    );
    expect(upwards).toEqual([]);
  });

  it('keeps each feature of functions/ to its own files and commons/', () => {
    const across = [...graph]
      .filter(([file]) => roomOf(file) === 'functions')
      .flatMap(([file, imports]) =>
        imports
          .filter((target) => roomOf(target) === 'functions' && featureOf(target) !== featureOf(file) && featureOf(target) !== 'commons')
          .map((target) => `${file} → ${target}`),
      );
    expect(across).toEqual([]);
  });
});

/**
 * The layout's rules, kept by a test: no import circle anywhere in the house, and each room
 * imports only from the rooms below it (bench → cli → local → functions). Inside functions/, the
 * shared rooms stack up (commons → pipeline-runs → stop-records: plumbing, then what SageMaker says
 * about a run, then who of this stack stops which run), and a feature imports its own files and the
 * shared rooms, never another feature.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';

const ROOMS = ['functions', 'local', 'cli', 'bench'] as const;
/** The shared rooms of functions/, lowest first: each imports only the ones before it. */
const SHARED = ['commons', 'pipeline-runs', 'stop-records'] as const;
/** What commons may hold at most: plumbing stays small, the domain lives in named rooms. */
const COMMONS_MAX_LINES = 1_000;
/** A source file longer than this does more than one job. */
const SOURCE_MAX_LINES = 300;
/** The command line's input builder: the table, the help and the argv reader are files of their own. */
const ARGS_MAX_LINES = 250;
const linesOf = (file: string): number => readFileSync(file, 'utf8').split('\n').length - 1;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** package.json's subpath imports (`#commons/*` → `./functions/commons/*`). */
const SUBPATHS = Object.entries(
  (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { imports: Record<string, string> }).imports,
).map(([alias, target]) => [alias.replace(/\*$/, ''), target.replace(/\*$/, '')] as const);

/** A specifier as a project-relative path, or undefined for a package. */
function resolveSpecifier(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return relative(projectRoot, resolve(dirname(file), specifier));
  const subpath = SUBPATHS.find(([alias]) => specifier.startsWith(alias));
  if (subpath) return relative(projectRoot, resolve(projectRoot, subpath[1] + specifier.slice(subpath[0].length)));
  if (specifier.startsWith('#')) throw new Error(`${file} imports ${specifier}, which package.json's imports do not map.`);
  return undefined;
}

/** Every import of the project's own files (static, re-export or dynamic; relative or `#subpath`) of each file, as project-relative .ts paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const room of ROOMS) {
    for (const file of sourceFiles(join(projectRoot, room))) {
      const text = readFileSync(file, 'utf8');
      const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([.#][^']+)'/g)].map((match) => match[1] ?? '');
      graph.set(
        relative(projectRoot, file),
        specifiers.flatMap((specifier) => resolveSpecifier(file, specifier) ?? []).map((path) => path.replace(/\.js$/, '.ts')),
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

  it('reads the sources of every room and resolves their subpath imports to files that exist', () => {
    expect([...graph.keys()].some((file) => file.startsWith('functions/graceful-stop/'))).toBe(true);
    expect([...graph.keys()].some((file) => file.startsWith('cli/commands/'))).toBe(true);
    const imported = [...graph.values()].flat();
    expect(imported.some((file) => file.startsWith('functions/commons/'))).toBe(true);
    expect(imported.filter((file) => !graph.has(file))).toEqual([]);
  });

  it("climbs no folder: imports outside a file's own folder go through package.json's subpath imports", () => {
    const climbing = [...graph.keys()].filter((file) => /from\s+'\.\.\//.test(readFileSync(join(projectRoot, file), 'utf8')));
    expect(climbing).toEqual([]);
  });

  it('has no import circle', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('imports only downwards: bench → cli → local → functions', () => {
    const order = new Map<string, number>(ROOMS.map((room, index) => [room, index]));
    const upwards = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((target) => (order.get(roomOf(target)) ?? -1) > (order.get(roomOf(file)) ?? -1))
        .map((target) => `${file} → ${target}`),
    );
    expect(upwards).toEqual([]);
  });

  it('keeps each feature of functions/ to its own files and the shared rooms', () => {
    const shared = new Set<string>(SHARED);
    const across = [...graph]
      .filter(([file]) => roomOf(file) === 'functions' && !shared.has(featureOf(file)))
      .flatMap(([file, imports]) =>
        imports
          .filter((target) => roomOf(target) === 'functions' && featureOf(target) !== featureOf(file) && !shared.has(featureOf(target)))
          .map((target) => `${file} → ${target}`),
      );
    expect(across).toEqual([]);
  });

  it('stacks the shared rooms: commons imports no room of the domain, pipeline-runs only commons', () => {
    const rank = new Map<string, number>(SHARED.map((room, index) => [room, index]));
    const upwards = [...graph]
      .filter(([file]) => roomOf(file) === 'functions' && rank.has(featureOf(file)))
      .flatMap(([file, imports]) =>
        imports
          .filter(
            (target) => roomOf(target) === 'functions' && (rank.get(featureOf(target)) ?? Infinity) > (rank.get(featureOf(file)) ?? 0),
          )
          .map((target) => `${file} → ${target}`),
      );
    expect(upwards).toEqual([]);
  });

  it(`keeps commons to plumbing of at most ${COMMONS_MAX_LINES} lines`, () => {
    const lines = sourceFiles(join(projectRoot, 'functions', 'commons')).reduce(
      (sum, file) => sum + readFileSync(file, 'utf8').split('\n').length - 1,
      0,
    );
    expect(lines).toBeLessThanOrEqual(COMMONS_MAX_LINES);
  });

  it(`keeps every source file of functions/, cli/, local/ and bench/ within ${SOURCE_MAX_LINES} lines, cli/args.ts within ${ARGS_MAX_LINES}`, () => {
    const long = ROOMS.flatMap((room) => sourceFiles(join(projectRoot, room)))
      .filter((file) => linesOf(file) > SOURCE_MAX_LINES)
      .map((file) => `${relative(projectRoot, file)}: ${linesOf(file)} lines`);
    expect(long).toEqual([]);
    expect(linesOf(join(projectRoot, 'cli', 'args.ts'))).toBeLessThanOrEqual(ARGS_MAX_LINES);
  });
});

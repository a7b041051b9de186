/** One error base: every named error of the product and its local cloud extends NamedError (name set, cause kept). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInput, NamedError, isErrorNamed } from '#commons/errors.js';
import { projectRoot } from '#local/engine/paths.js';

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('NamedError', () => {
  it('sets the name and keeps the cause', () => {
    // Prepare
    const cause = new Error('socket hang up');

    // Act
    const error = new InvalidInput('pipelineExecutionArn is missing', cause);

    // Assess
    expect(error).toBeInstanceOf(NamedError);
    expect(error.name).toBe('InvalidInput');
    expect(error.cause).toBe(cause);
  });

  it('is the base of every error class in functions/, cli/ and local/', () => {
    // Prepare
    const files = ['functions', 'cli', 'local'].flatMap((dir) => sourcesUnder(join(projectRoot, dir)));

    // Act
    const offenders = files
      .filter((file) => /class \w+ extends Error\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(projectRoot, file));

    // Assess
    expect(files.length).toBeGreaterThan(50);
    expect(offenders).toEqual(['functions/commons/errors.ts']);
  });

  it('is never told apart by comparing error.name with a string', () => {
    // Prepare
    const files = ['functions', 'cli', 'local'].flatMap((dir) => sourcesUnder(join(projectRoot, dir)));

    // Act
    const offenders = files
      .filter((file) => /\b(error|err|e)\.name\s*[!=]==\s*['"]/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(projectRoot, file));

    // Assess
    expect(offenders).toEqual([]);
  });
});

describe('isErrorNamed', () => {
  it('matches an error by any of the given names and nothing that is not an Error', () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

    // Act & Assess
    expect(isErrorNamed(throttled, 'ConflictException', 'ThrottlingException')).toBe(true);
    expect(isErrorNamed(throttled, 'ConflictException')).toBe(false);
    expect(isErrorNamed({ name: 'ThrottlingException' }, 'ThrottlingException')).toBe(false);
  });
});

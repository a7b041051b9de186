/** Examples quoted from the docs, so the tests run what the documentation tells users to run. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '#local/engine/paths.js';

/** docs/starting.md: every way to start a graceful stop. */
export const startingDoc = readFileSync(join(projectRoot, 'docs', 'starting.md'), 'utf8');

/** The text of a `## heading` section of docs/starting.md, up to the next `## `. */
export function section(heading: string): string {
  const start = startingDoc.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`docs/starting.md has no section "## ${heading}"`);
  const end = startingDoc.indexOf('\n## ', start + 1);
  return startingDoc.slice(start, end < 0 ? undefined : end);
}

/** The fenced code blocks of a language in a text. */
export function codeBlocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1] ?? '');
}

/** The single-quoted argument of a shell option, e.g. --input '...' (single quotes keep backslashes). */
export function shellArguments(text: string, option: string): string[] {
  return [...text.matchAll(new RegExp(`${option} '([^']*)'`, 'g'))].map((match) => match[1] ?? '');
}

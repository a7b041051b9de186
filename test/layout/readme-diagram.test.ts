/** The README's diagram of the graceful stop shows every state of its ASL that does work or decides. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';

describe("the README's diagram", () => {
  it('names every Task, Choice and Wait state of the graceful-stop ASL', () => {
    // Prepare
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const diagram = readme.slice(readme.indexOf('```mermaid'), readme.indexOf('```', readme.indexOf('```mermaid') + 3));
    const definition = JSON.parse(readFileSync(join(projectRoot, 'statemachine', 'graceful-stop.asl.json'), 'utf8')) as {
      States: Record<string, { Type: string }>;
    };

    // Act
    const working = Object.entries(definition.States)
      .filter(([, state]) => ['Task', 'Choice', 'Wait'].includes(state.Type))
      .map(([name]) => name);

    // Assess
    expect(working.length).toBeGreaterThan(5);
    expect(working.filter((name) => !diagram.includes(`: ${name}\n`))).toEqual([]);
  });
});

/**
 * docs/starting.md's walkthrough of a pipeline's own limit, line by line, in bash as a user types
 * it: terminal 1 starts the local cloud; terminal 2 pastes its export lines, tags a pipeline with a
 * limit of 2 concurrent runs with the AWS CLI, starts 4 runs, shows the limits, and sees the 2
 * newest stopped gracefully.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';
import { blocksOf, Terminals } from '#test/support/terminals.js';
import { waitFor } from '#local/bounded.js';

const page = readFileSync(join(projectRoot, 'docs', 'starting.md'), 'utf8');
const [startBlock = '', limitBlock = ''] = blocksOf(page, '### Walkthrough: a limit of 2 concurrent runs');
const terminals = new Terminals();
afterAll(() => terminals.signal('SIGKILL'));

describe("docs/starting.md's walkthrough of a pipeline's limits", () => {
  it('keeps the 2 oldest of 4 runs of a pipeline tagged with a limit of 2 and stops the 2 newest gracefully', async () => {
    // Prepare
    const terminal = await terminals.one(startBlock, 'npx graceful-stop simulate --time-scale 10', 'export GRACEFUL_STOP_TIME_SCALE=');

    // Act
    const run = await terminals.two(terminal.exported, limitBlock);

    // Assess
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)?.split(/\s+/)).toEqual(['Executing', 'Executing', 'Stopped', 'Stopped']);
    expect(run.stdout).toMatch(/^pipeline +max runtime +max runs +grace +exempt +running +would stop$/m);
    expect(run.stdout).toMatch(/^nightly-retrain +- +2 +- +no +\d+ /m);
    // The limits table (its header to the line before the last command's output) within 80 columns.
    const table = lines.slice(
      lines.findIndex((line) => line.startsWith('pipeline ')),
      -1,
    );
    expect(table.length).toBeGreaterThan(1);
    expect(table.every((line) => line.length <= 80)).toBe(true);
    await waitFor('both completion events', terminal.stderr, (text) => text.split('event Graceful Stop Completed: Stopped').length > 2, {
      timeoutMs: 30_000,
    });
    expect(terminal.stderr()).toMatch(
      /event SageMaker Model Building Pipeline Execution Status Change: Executing \S+ -> LimitConcurrentRunsFunction/,
    );
    await terminals.ctrlC();
  }, 240_000);
});

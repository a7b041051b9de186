/**
 * docs/organizations.md's local walkthrough, line by line, in bash as a user types it: terminal 1
 * starts a local organization of 3 accounts × 2 regions with a run in every spoke; terminal 2 pastes
 * its export lines and runs a dry run and the stop with the CLI, and lists a StackSet with the AWS CLI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';
import { blocksOf, Terminals } from '#test/support/terminals.js';
import { waitFor } from '#local/bounded.js';

const page = readFileSync(join(projectRoot, 'docs', 'organizations.md'), 'utf8');
const [startBlock = '', stopBlock = ''] = blocksOf(page, '## Try it locally');
const terminals = new Terminals();
afterAll(() => terminals.signal('SIGKILL'));

describe('docs/organizations.md walkthrough', () => {
  it('starts a local organization, runs a dry run and a stop across it, and every spoke reports to the hub', async () => {
    // Prepare
    const terminal = await terminals.one(
      startBlock,
      'npx graceful-stop simulate --accounts 3 --regions us-east-1,eu-west-1 --with-run training --time-scale 10',
      'export GRACEFUL_STOP_TIME_SCALE=',
    );

    // Act
    const run = await terminals.two(terminal.exported, stopBlock);

    // Assess
    expect(terminal.exported).toMatch(
      /^export GRACEFUL_STOP_ORGANIZATION_STOP_STATE_MACHINE_ARN=arn:aws:states:us-east-1:123456789012:stateMachine:organization-stop$/m,
    );
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(run.stdout).toContain('organization stop (dry run): 6 target(s): Completed 6\n  6 run(s), 0 signalled');
    expect(run.stdout).toContain(
      'organization stop: 6 target(s): Completed 6\n  6 run(s), 6 signalled; 6 ended well, 0 did not\n  final statuses: Stopped 6\n',
    );
    expect(run.stdout).toMatch(/^ {2}200000000001 eu-west-1 {6}Completed {9}1 run\(s\): 1 ended well, 0 not$/m);
    expect(run.stdout.trim().split('\n').at(-1)?.split(/\s+/)).toEqual(['200000000001', '200000000002', '200000000003']);
    await waitFor('every spoke to report to the hub', terminal.stderr, (text) => text.split('-> EndSpokeWaitsFunction').length > 12, {
      timeoutMs: 30_000,
    });
    expect(terminal.stderr()).toMatch(
      /event Stop All Completed: arn:aws:states:eu-west-1:200000000003:execution:graceful-stop-all-spoke:\S+ -> EndSpokeWaitsFunction/,
    );
    await terminals.ctrlC();
  }, 240_000);
});

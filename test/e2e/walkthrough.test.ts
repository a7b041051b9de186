/**
 * docs/local.md's walkthroughs, line by line, in bash as a user types them: the
 * first block starts the simulator with a run (its stdout is the export lines
 * to paste); the second block runs, after those lines, in another shell. In the
 * first, the AWS CLI lists the run and the graceful stop ends it Stopped; in the
 * second, the AWS CLI stops the run and the stop watch drains it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';
import { blocksOf, Terminals } from '#test/support/terminals.js';
import { waitFor } from '#local/bounded.js';

const page = readFileSync(join(projectRoot, 'docs', 'local.md'), 'utf8');
const [startBlock = '', stopBlock = ''] = blocksOf(page, '## Walkthrough: stop a run');
const [watchStartBlock = '', watchStopBlock = ''] = blocksOf(page, '## Walkthrough: a stop made elsewhere');
const [orphanStartBlock = '', orphanStopBlock = ''] = blocksOf(page, '## Walkthrough: your own workflow, cancelled');
const terminals = new Terminals();
const UNTIL = 'export PIPELINE_EXECUTION_ARN=';
afterAll(() => terminals.signal('SIGKILL'));

describe('docs/local.md walkthroughs', () => {
  it('starts a simulator with a run, lists it with the AWS CLI, and stops it gracefully with the printed exports', async () => {
    // Prepare
    const { exported } = await terminals.one(startBlock, 'npx graceful-stop simulate --with-run training', UNTIL);

    // Act
    const run = await terminals.two(exported, stopBlock);

    // Assess
    const arn = /export PIPELINE_EXECUTION_ARN=(\S+)/.exec(exported)?.[1] ?? '';
    expect(arn).toMatch(/^arn:aws:sagemaker:us-east-1:123456789012:pipeline\/walkthrough-training\/execution\/[a-z0-9]+$/);
    expect(exported).toMatch(/^export AWS_ENDPOINT_URL_SAGEMAKER=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(run.stdout, 'the AWS CLI lists the run').toContain(arn);
    expect(run.stdout).toMatch(/^outcome Stopped \(final status Stopped\) after [\d.]+s and \d+ poll\(s\)$/m);
    expect(run.stderr).toContain(`stop requested for ${arn}`);
    await terminals.ctrlC();
  }, 180_000);

  it('drains a run the AWS CLI stopped: the stop watch starts a graceful stop that ends it Stopped', async () => {
    // Prepare
    const terminal = await terminals.one(
      watchStartBlock,
      'npx graceful-stop simulate --with-run callback --stop-watch 30s --time-scale 10',
      UNTIL,
    );

    // Act
    const run = await terminals.two(terminal.exported, watchStopBlock);

    // Assess
    const arn = /export PIPELINE_EXECUTION_ARN=(\S+)/.exec(terminal.exported)?.[1] ?? '';
    const executionId = arn.split('/').at(-1) ?? '?';
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(run.stdout).toContain('"Stopped"');
    // The last command's output: the executions of the graceful-stop state machine.
    expect(JSON.parse(run.stdout.slice(run.stdout.lastIndexOf('{\n    "executions"'))) as unknown).toMatchObject({
      executions: [
        expect.objectContaining({ name: expect.stringMatching(new RegExp(`^watch-${executionId}-[0-9a-f]{16}$`)), status: 'SUCCEEDED' }),
      ],
    });
    await waitFor('the completion event line', terminal.stderr, (text) => text.includes('event Graceful Stop Completed: Stopped'), {
      timeoutMs: 30_000,
    });
    expect(terminal.stderr()).toContain(`Stopping ${arn} -> WatchStoppingRunFunction`);
    await terminals.ctrlC();
  }, 180_000);

  it("creates a workflow of the user's that starts a run, aborts it, and the orphan guard stops that run gracefully", async () => {
    // Prepare
    const terminal = await terminals.one(
      orphanStartBlock,
      "npx graceful-stop simulate --with-run training --orphan-guard 'training-*' --time-scale 10",
      UNTIL,
    );

    // Act
    const run = await terminals.two(terminal.exported, orphanStopBlock);

    // Assess
    const seeded = /export PIPELINE_EXECUTION_ARN=(\S+)/.exec(terminal.exported)?.[1] ?? '';
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(run.stdout).toContain('"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:training-parent"');
    expect(run.stdout).toContain('"Stopped"');
    const names = JSON.parse(run.stdout.slice(run.stdout.lastIndexOf('['))) as string[];
    expect(names).toEqual([expect.stringMatching(/^orphan-[a-z0-9]+-[0-9a-f]{16}$/)]);
    // The guard stopped only what the aborted workflow started: the seeded run still runs.
    expect(names[0]).not.toContain(seeded.split('/').at(-1));
    expect(terminal.stderr()).toMatch(
      /event Step Functions Execution Status Change: ABORTED arn:aws:states:us-east-1:123456789012:execution:training-parent:\S+ -> StopOrphanedRunsFunction/,
    );
    await terminals.ctrlC();
  }, 180_000);
});

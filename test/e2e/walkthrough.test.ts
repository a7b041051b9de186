/**
 * docs/local.md's walkthroughs, line by line, in bash as a user types them: the
 * first block starts the simulator with a run (its stdout is the export lines
 * to paste); the second block runs, after those lines, in another shell. In the
 * first, the AWS CLI lists the run and the graceful stop ends it Stopped; in the
 * second, the AWS CLI stops the run and the stop watch drains it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';
import { codeBlocks } from '#test/support/doc-examples.js';
import { waitFor } from '#local/bounded.js';

const page = readFileSync(join(projectRoot, 'docs', 'local.md'), 'utf8');
/** The `sh` blocks of the section headed `heading`: terminal 1, then terminal 2. */
const blocksOf = (heading: string): string[] => {
  const at = page.indexOf(heading);
  return codeBlocks(page.slice(at, page.indexOf('\n## ', at + 1)), 'sh');
};
const [startBlock = '', stopBlock = ''] = blocksOf('## Walkthrough: stop a run');
const [watchStartBlock = '', watchStopBlock = ''] = blocksOf('## Walkthrough: a stop made elsewhere');
const [orphanStartBlock = '', orphanStopBlock = ''] = blocksOf('## Walkthrough: your own workflow, cancelled');
/** The shell the user types in: the project's bins (npx graceful-stop) and dummy nothing else. */
const shellEnv = { PATH: `${join(projectRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '/tmp' };

let simulator: ChildProcess | undefined;
/** Ctrl-C in a terminal signals the whole foreground process group (npx and the node it started). */
const signalGroup = (child: ChildProcess | undefined, signal: NodeJS.Signals): void => {
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
};
afterAll(() => signalGroup(simulator, 'SIGKILL'));

/** Terminal 1: the block's one command, until it prints the export lines; its stderr is kept. */
async function terminalOne(block: string, expected: string): Promise<{ exported: string; stderr: () => string }> {
  const startLines = block
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('#'));
  expect(startLines).toEqual([expected]);
  let exported = '';
  let stderr = '';
  simulator = spawn('bash', ['-c', `exec ${startLines[0]}`], {
    cwd: projectRoot,
    env: shellEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  simulator.stdout?.on('data', (chunk: Buffer) => (exported += chunk.toString()));
  simulator.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor(
    'the export lines',
    () => exported,
    (text) => text.includes('export PIPELINE_EXECUTION_ARN='),
    { timeoutMs: 60_000 },
  );
  return { exported, stderr: () => stderr };
}

/** Terminal 2: the export lines pasted, then the block's commands, line by line. */
function terminalTwo(exported: string, block: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const script = [
    exported.trim(),
    ...block
      .trim()
      .split('\n')
      .map((line) => `${line}\necho "exit $? after: ${line.split(' ')[1]}" >&2`),
  ].join('\n');
  return new Promise((resolve) => {
    execFile('bash', ['-e', '-c', script], { cwd: projectRoot, env: shellEnv, timeout: 150_000 }, (error, stdout, stderr) =>
      resolve({ stdout, stderr, code: typeof error?.code === 'number' ? error.code : error ? 1 : 0 }),
    );
  });
}

/**
 * The simulator ends on Ctrl-C, as the page says, with the status a shell reports as 130 (as every
 * interrupted command of the CLI): npx passes the interrupt on by ending on SIGINT itself.
 */
async function ctrlC(): Promise<void> {
  signalGroup(simulator, 'SIGINT');
  await waitFor(
    'the simulator to end',
    () => simulator?.exitCode ?? simulator?.signalCode,
    (end) => end !== null && end !== undefined,
    { timeoutMs: 30_000 },
  );
  const status = simulator?.signalCode === 'SIGINT' ? 128 + 2 : simulator?.exitCode;
  expect(status).toBe(130);
}

describe('docs/local.md walkthroughs', () => {
  it('starts a simulator with a run, lists it with the AWS CLI, and stops it gracefully with the printed exports', async () => {
    // Prepare
    const { exported } = await terminalOne(startBlock, 'npx graceful-stop simulate --with-run training');

    // Act
    const run = await terminalTwo(exported, stopBlock);

    // Assess
    const arn = /export PIPELINE_EXECUTION_ARN=(\S+)/.exec(exported)?.[1] ?? '';
    expect(arn).toMatch(/^arn:aws:sagemaker:us-east-1:123456789012:pipeline\/walkthrough-training\/execution\/[a-z0-9]+$/);
    expect(exported).toMatch(/^export AWS_ENDPOINT_URL_SAGEMAKER=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(run.stdout, 'the AWS CLI lists the run').toContain(arn);
    expect(run.stdout).toMatch(/^outcome Stopped \(final status Stopped\) after [\d.]+s and \d+ poll\(s\)$/m);
    expect(run.stderr).toContain(`stop requested for ${arn}`);
    await ctrlC();
  }, 180_000);

  it('drains a run the AWS CLI stopped: the stop watch starts a graceful stop that ends it Stopped', async () => {
    // Prepare
    const terminal = await terminalOne(watchStartBlock, 'npx graceful-stop simulate --with-run callback --stop-watch 30s --time-scale 10');

    // Act
    const run = await terminalTwo(terminal.exported, watchStopBlock);

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
    await ctrlC();
  }, 180_000);

  it("creates a workflow of the user's that starts a run, aborts it, and the orphan guard stops that run gracefully", async () => {
    // Prepare
    const terminal = await terminalOne(
      orphanStartBlock,
      "npx graceful-stop simulate --with-run training --orphan-guard 'training-*' --time-scale 10",
    );

    // Act
    const run = await terminalTwo(terminal.exported, orphanStopBlock);

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
    await ctrlC();
  }, 180_000);
});

/**
 * docs/local.md's walkthrough, line by line, in bash as a user types it: the
 * first block starts the simulator with a run (its stdout is the export lines
 * to paste); the second block runs, after those lines, in another shell: the
 * AWS CLI lists the run, and the graceful stop ends it Stopped.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';
import { codeBlocks } from '#test/entrypoints/support/docs.js';
import { waitFor } from '#local/bounded.js';

const page = readFileSync(join(projectRoot, 'docs', 'local.md'), 'utf8');
const walkthrough = page.slice(page.indexOf('## Walkthrough'), page.indexOf('\n## ', page.indexOf('## Walkthrough') + 1));
const [startBlock = '', stopBlock = ''] = codeBlocks(walkthrough, 'sh');
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

describe('docs/local.md walkthrough', () => {
  it('starts a simulator with a run, lists it with the AWS CLI, and stops it gracefully with the printed exports', async () => {
    // Prepare: terminal 1.
    const startLines = startBlock.trim().split('\n').filter((line) => !line.startsWith('#'));
    expect(startLines).toEqual(['npx graceful-stop simulate --with-run training']);
    let exported = '';
    simulator = spawn('bash', ['-c', `exec ${startLines[0]}`], { cwd: projectRoot, env: shellEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    simulator.stdout?.on('data', (chunk: Buffer) => (exported += chunk.toString()));
    await waitFor('the export lines', () => exported, (text) => text.includes('export PIPELINE_EXECUTION_ARN='), { timeoutMs: 60_000 });

    // Act: terminal 2 — paste the export lines, then the block's commands, line by line.
    const script = [exported.trim(), ...stopBlock.trim().split('\n').map((line) => `${line}\necho "exit $? after: ${line.split(' ')[1]}" >&2`)].join('\n');
    const run = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
      execFile('bash', ['-e', '-c', script], { cwd: projectRoot, env: shellEnv, timeout: 150_000 }, (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: typeof error?.code === 'number' ? error.code : error ? 1 : 0 }),
      );
    });

    // Assess
    const arn = /export PIPELINE_EXECUTION_ARN=(\S+)/.exec(exported)?.[1] ?? '';
    expect(arn).toMatch(/^arn:aws:sagemaker:us-east-1:123456789012:pipeline\/walkthrough-training\/execution\/[a-z0-9]+$/);
    expect(exported).toMatch(/^export AWS_ENDPOINT_URL_SAGEMAKER=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(run.stdout, 'the AWS CLI lists the run').toContain(arn);
    expect(run.stdout).toMatch(/^outcome Stopped \(final status Stopped\) after [\d.]+s and \d+ poll\(s\)$/m);
    expect(run.stderr).toContain(`stop requested for ${arn}`);

    // The simulator ends on Ctrl-C, as the page says.
    signalGroup(simulator, 'SIGINT');
    await waitFor('the simulator to end', () => simulator?.exitCode ?? simulator?.signalCode, (end) => end === 0 || end === 'SIGINT', { timeoutMs: 30_000 });
  }, 180_000);
});

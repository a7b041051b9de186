/**
 * A docs page's walkthrough as a user types it, in bash: terminal 1 runs one long-lived command
 * (simulate) until it has printed its export lines; terminal 2 pastes them and runs a block line by
 * line. Ctrl-C ends terminal 1 as a terminal does: the whole foreground process group is signalled.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';
import { codeBlocks } from '#test/support/doc-examples.js';
import { waitFor } from '#local/bounded.js';

/** The `sh` blocks of the section of `page` headed `heading`. */
export const blocksOf = (page: string, heading: string): string[] => {
  const at = page.indexOf(heading);
  return codeBlocks(page.slice(at, page.indexOf('\n## ', at + 1)), 'sh');
};

/** The shell the user types in: the project's bins (npx graceful-stop) and nothing else of ours. */
const shellEnv = { PATH: `${join(projectRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '/tmp' };

export class Terminals {
  private simulator: ChildProcess | undefined;

  /** Ctrl-C in a terminal signals the whole foreground process group (npx and the node it started). */
  signal(signal: NodeJS.Signals): void {
    const child = this.simulator;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  }

  /** Terminal 1: the block's one command, until its stdout holds `until`; its stderr is kept. */
  async one(block: string, expected: string, until: string): Promise<{ exported: string; stderr: () => string }> {
    const startLines = block
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('#'));
    expect(startLines).toEqual([expected]);
    let exported = '';
    let stderr = '';
    this.simulator = spawn('bash', ['-c', `exec ${startLines[0]}`], {
      cwd: projectRoot,
      env: shellEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.simulator.stdout?.on('data', (chunk: Buffer) => (exported += chunk.toString()));
    this.simulator.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(
      'the export lines',
      () => exported,
      (text) => text.includes(until),
      { timeoutMs: 90_000 },
    );
    return { exported, stderr: () => stderr };
  }

  /** Terminal 2: the export lines pasted, then the block's commands, line by line. */
  two(exported: string, block: string): Promise<{ stdout: string; stderr: string; code: number }> {
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
   * Terminal 1 ends on Ctrl-C, as the pages say, with the status a shell reports as 130 (as every
   * interrupted command of the CLI): npx passes the interrupt on by ending on SIGINT itself.
   */
  async ctrlC(): Promise<void> {
    this.signal('SIGINT');
    await waitFor(
      'the simulator to end',
      () => this.simulator?.exitCode ?? this.simulator?.signalCode,
      (end) => end !== null && end !== undefined,
      { timeoutMs: 30_000 },
    );
    const status = this.simulator?.signalCode === 'SIGINT' ? 128 + 2 : this.simulator?.exitCode;
    expect(status).toBe(130);
  }
}

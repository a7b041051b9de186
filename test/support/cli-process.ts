/** Runs the built CLI (dist/cli/graceful-stop.mjs) in a child process, bounded in time. */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import { join } from 'node:path';
import { projectRoot } from '#local/engine/paths.js';

export interface CliRun {
  args: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallSeconds: number;
}

export const cliPath = join(projectRoot, 'dist', 'cli', 'graceful-stop.mjs');

export interface CliOptions {
  /** The process is killed (SIGKILL) after this many ms. */
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Called for every complete stdout line, as it is printed. */
  onLine?: (line: string) => void;
  /** Called for every complete stderr line, as it is printed. */
  onErrorLine?: (line: string) => void;
  /** Called with the child process once spawned (to signal it, or to kill it when a test ends early). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Resolves when the process exits (bounded by `timeoutMs`). */
export function runCli(args: string[], { timeoutMs = 25_000, env = {}, onLine, onErrorLine, onSpawn }: CliOptions = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    const splitter = (onComplete?: (line: string) => void) => {
      let partial = '';
      return (text: string) => {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onComplete?.(line);
      };
    };
    const outLines = splitter(onLine);
    const errLines = splitter(onErrorLine);
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stdout += text;
      outLines(text);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      errLines(text);
    });
    child.on('error', reject);
    child.on('close', (exitCode, signal) =>
      resolve({ args, exitCode, signal, stdout, stderr, wallSeconds: (Date.now() - started) / 1000 }),
    );
  });
}

/** What a failed CLI assertion shows: exit, signal, time and the ends of both streams. */
export const cliDiagnostics = (run: CliRun): string =>
  `exit ${run.exitCode} (${run.signal ?? 'no signal'}) after ${run.wallSeconds} s\nstderr:\n${run.stderr.slice(-3000)}\nstdout:\n${run.stdout.slice(-3000)}`;

/**
 * The built CLI for one test file: every run bounded (a few seconds on an idle machine; a hung child
 * fails its test, not the file), and every child still running when a test ends killed.
 */
export function useCli(timeoutMs = 60_000): (args: string[], options?: CliOptions) => Promise<CliRun> {
  const children = new Set<ChildProcess>();
  afterEach(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    children.clear();
  });
  return (args, options = {}) =>
    runCli(args, {
      timeoutMs,
      ...options,
      onSpawn: (child) => {
        children.add(child);
        options.onSpawn?.(child);
      },
    });
}

/** The child CLI's environment for a local stack: its endpoints, dummy credentials, real time (no scaled handler clock). */
export const localStackEnv = (
  stack: { endpoints: { sagemakerEndpoint: string; sqsEndpoint: string } },
  region = 'us-east-1',
): Record<string, string> => ({
  AWS_ENDPOINT_URL_SAGEMAKER: stack.endpoints.sagemakerEndpoint,
  AWS_ENDPOINT_URL_SQS: stack.endpoints.sqsEndpoint,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: region,
  GRACEFUL_STOP_TIME_SCALE: '',
});

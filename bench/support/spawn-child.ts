import { spawn } from 'node:child_process';
import { parseChildResult, SPEC_VARIABLE } from './child-protocol.js';

export interface ChildRun<T> {
  result?: T;
  error?: string;
  realSeconds: number;
}

/** Output kept from a child: enough for an error message, bounded. */
const MAX_CAPTURED_CHARS = 200_000;

/**
 * Starts `node <script>` with `env` added to this process's environment and
 * the spec as JSON; kills it after `timeoutMs`. Never throws: a failed child is
 * a failed measurement, reported as such.
 */
export function spawnChild<T>(script: string, spec: unknown, env: Record<string, string>, timeoutMs: number): Promise<ChildRun<T>> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, ...env, [SPEC_VARIABLE]: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_CAPTURED_CHARS) stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_CAPTURED_CHARS) stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const realSeconds = (Date.now() - started) / 1000;
      const result = code === 0 ? parseChildResult<T>(stdout) : undefined;
      if (result !== undefined) resolve({ result, realSeconds });
      else {
        const why = signal ? `killed (${signal}) after ${timeoutMs} ms` : `exit code ${code}`;
        resolve({ error: `${script}: ${why}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`, realSeconds });
      }
    });
  });
}

/** Runs jobs with at most `parallel` at a time, results in job order. */
export async function runPooled<T>(jobs: readonly (() => Promise<T>)[], parallel: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next;
      next += 1;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, worker));
  return results;
}

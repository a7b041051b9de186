/**
 * The CLI's streams: stdout carries the result alone; progress, notices and the functions' logs go
 * to stderr. A closed pipe ends the command quietly; Ctrl-C prints what the interrupted command
 * leaves behind and exits 130.
 */
import type { ProgressSink } from './live-block.js';
import { USER_LOG_LEVEL } from './environment.js';

/** Where a command writes: results to `out` (stdout), progress and notices to `err` (stderr). */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
}

export const io: CliIO & { columns: () => number | undefined } = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
  columns: () => process.stderr.columns,
};

/** `| head -1` closes stdout early: end quietly, as Unix tools do. */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/** What an interrupted command leaves on stdout: with --json, its document and the facts it knows. */
export interface InterruptOutput {
  json: boolean;
  /** Facts of the document beside error and cause (read when Ctrl-C comes). */
  facts?: () => Record<string, unknown>;
}

/**
 * Ctrl-C: the first one says what the interrupted run leaves behind and exits
 * 130; a second one (while the first is being written) exits at once. With
 * --json, stdout gets the interrupted document too: an interrupted command
 * leaves one as every other does.
 */
export function onInterrupt(notice: () => string, output: InterruptOutput = { json: false }): void {
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.exitCode = 130;
    const text = notice();
    const written = (): void => void process.stderr.write(`\n${text}\n`, () => process.exit(130));
    if (output.json) process.stdout.write(`${interruptedDocument(text, output.facts?.())}\n`, written);
    else written();
  });
}

/** The JSON document of an interrupted command: `{error: "Interrupted", cause, ...facts}`, as failures are printed. */
export function interruptedDocument(notice: string, facts: Record<string, unknown> = {}): string {
  const lines = notice.split('\n').map((line) => line.trim());
  return JSON.stringify({ error: 'Interrupted', cause: lines[0] ?? '', ...facts, notice: lines.filter(Boolean) }, null, 2);
}

/** Progress on stderr unless --quiet (--json keeps it, on stderr). */
export const progressFor = (options: { quiet: boolean }): { progress?: ProgressSink } =>
  options.quiet ? {} : { progress: { isTTY: io.isTTY, columns: io.columns, write: (text: string) => io.err(text) } };

/**
 * The functions run in this process: their log lines are theirs, not the CLI's. They reach stderr
 * only when asked for (--verbose, or LOG_LEVEL / POWERTOOLS_LOG_LEVEL in the environment), at that
 * level (INFO for --verbose); the CLI's own lines say what went wrong.
 */
export function functionLogs(options: { verbose?: boolean }): (text: string) => void {
  if (!options.verbose && USER_LOG_LEVEL === undefined) return () => undefined;
  // Read by the bundles when they load, which is after this.
  process.env.POWERTOOLS_LOG_LEVEL = USER_LOG_LEVEL ?? 'INFO';
  return (text) => io.err(`${text}\n`);
}

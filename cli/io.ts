/**
 * The CLI's streams: stdout carries the result alone; progress, notices and the functions' logs go
 * to stderr. A closed pipe ends the command quietly; Ctrl-C prints what the interrupted command
 * leaves behind and exits 130.
 */
import type { ProgressSink } from './live-block.js';

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

/**
 * Ctrl-C: the first one says what the interrupted run leaves behind and exits
 * 130; a second one (while the first is being written) exits at once.
 */
export function onInterrupt(notice: () => string): void {
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.exitCode = 130;
    process.stderr.write(`\n${notice()}\n`, () => process.exit(130));
  });
}

/** Progress on stderr unless --quiet (--json keeps it, on stderr). */
export const progressFor = (options: { quiet: boolean }): { progress?: ProgressSink } =>
  options.quiet ? {} : { progress: { isTTY: io.isTTY, columns: io.columns, write: (text: string) => io.err(text) } };

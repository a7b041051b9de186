/**
 * How any command's run ended, and how a failure is printed: what the views of one stop and of
 * stop-all share, and the CLI's exit codes.
 */
import { causeSentence } from '#commons/text.js';
import { withHint, type CliFailure } from './failure.js';
import { printable } from './printable.js';

/** What every mode (local engine or AWS) ends with. */
export interface StopRunOutcome {
  status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  output?: unknown;
  error?: string;
  cause?: string;
}

/** The CLI's exit codes, whatever the mode. */
export const EXIT = { success: 0, namedFailure: 1, usage: 2, interrupted: 130 } as const;

/** A failed run as the CLI reports it: its name, its cause (escaped: it came from outside) and a hint where one helps. */
export function failureOf(outcome: StopRunOutcome): CliFailure {
  return withHint({ error: printable(outcome.error || 'UnexpectedFailure'), cause: printable(causeSentence(outcome.cause ?? '')) });
}

/** `--json`: only the output document, or `{error, cause}`. */
export function jsonResult(outcome: StopRunOutcome): string {
  return JSON.stringify(outcome.status === 'SUCCEEDED' ? outcome.output : failureOf(outcome), null, 2);
}

/** `FAILED <Error>: <Cause>`, the human form of a failure. */
export function failureLine(outcome: StopRunOutcome): string {
  const { error, cause } = failureOf(outcome);
  return `FAILED ${error}: ${cause}`;
}

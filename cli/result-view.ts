import type { OutputDocument } from '../functions/graceful-stop/model.js';

/** What every mode (local engine or AWS) ends with. */
export interface StopRunOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: string;
}

/** The CLI's exit codes, whatever the mode. */
export const EXIT = { success: 0, namedFailure: 1, usage: 2 } as const;

export const exitCodeOf = (outcome: StopRunOutcome): number => (outcome.status === 'SUCCEEDED' ? EXIT.success : EXIT.namedFailure);

/** `--json`: only the output document, or `{error, cause}`. */
export function jsonResult(outcome: StopRunOutcome): string {
  return JSON.stringify(outcome.status === 'SUCCEEDED' ? outcome.output : { error: outcome.error, cause: outcome.cause }, null, 2);
}

export function humanResult(outcome: StopRunOutcome): string {
  if (outcome.status !== 'SUCCEEDED') return `FAILED ${outcome.error}: ${outcome.cause}`;
  const document = outcome.output as OutputDocument;
  const lines = [
    `outcome ${document.outcome} (final status ${document.finalStatus}) after ${document.waitedSeconds}s and ${document.polls} poll(s)`,
    ...document.steps.map(
      (step) => `  ${step.type} step '${step.name}': ${step.status}${step.failureReason ? ` (${step.failureReason})` : ''}`,
    ),
    ...document.releasedCallbackSteps.map((released) => `  released '${released.stepName}' at ${released.releasedAt} (${released.result})`),
  ];
  return lines.join('\n');
}

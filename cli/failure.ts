/**
 * Every failure the CLI prints, whatever raised it (a state machine's Fail state, an AWS SDK call of
 * the CLI's own, a stack lookup): a real name, one readable sentence, and a hint where one line
 * says what to fix. `--json` prints the same as {error, cause}.
 */
import { toNamedSetupError } from '#commons/service-errors.js';
import { printable } from './printable.js';

export interface CliFailure {
  error: string;
  cause: string;
}

const HINTS: [RegExp, string][] = [
  [
    /^(CredentialsMissing|CredentialsProviderError)$/,
    'hint: no AWS credentials found; set AWS_PROFILE (after aws sso login / aws configure) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
  ],
  [
    /^RegionMissing$/,
    'hint: no AWS region; set AWS_REGION (or a region in your AWS profile), or pass a --state-machine-arn, which names its region.',
  ],
  [
    /^(EndpointNotFound|ENOTFOUND|EAI_AGAIN)$/,
    "hint: the AWS endpoint's host name does not resolve; check AWS_REGION and any AWS_ENDPOINT_URL* variable, and your network or proxy.",
  ],
  [/^(ExpiredTokenException|ExpiredToken)$/, 'hint: the AWS session expired; log in again (aws sso login) or refresh the credentials.'],
  [
    /^(AccessDeniedException|AccessDenied)$/,
    "hint: these credentials may not start or follow this state machine; attach the stack's GracefulStopCallerPolicy to your role.",
  ],
  [/^PipelineExecutionNotStopping$/, 'hint: the run is still Executing; drop --drain-only to stop it gracefully.'],
  [
    /^StackNotFound$/,
    "hint: check --stack-name and the region (AWS_REGION, or your profile's); `aws cloudformation describe-stacks` lists the stacks.",
  ],
];

/** The one-line hint for a failure's name, or undefined. */
export function hintFor(name: string): string | undefined {
  return HINTS.find(([names]) => names.test(name))?.[1];
}

/** A message that is a JSON document (some SDK errors have one) says nothing to a person: use the name's sentence. */
function sentenceOf(error: Error): string {
  const first = error.message.split('\n')[0]?.trim() ?? '';
  return first === '' || first.startsWith('{') ? `${error.name} was raised without a readable message.` : first;
}

/** Any thrown value as a named failure with a sentence and, where known, a hint. */
export function toCliFailure(error: unknown): CliFailure {
  const named = toNamedSetupError(error) ?? error;
  if (!(named instanceof Error)) return { error: 'UnexpectedFailure', cause: printable(String(named)) };
  const name = named.name && named.name !== 'Error' ? named.name : 'UnexpectedFailure';
  return withHint({ error: name, cause: printable(sentenceOf(named)) });
}

/** Adds the hint of the failure's name to its cause, once. */
export function withHint(failure: CliFailure): CliFailure {
  const hint = hintFor(failure.error);
  return hint && !failure.cause.includes(hint) ? { ...failure, cause: `${failure.cause} (${hint})` } : failure;
}

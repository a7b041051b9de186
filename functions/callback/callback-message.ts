/**
 * Callback-step messages: parse them strictly and tell `Executing` from
 * `Stopping` (answering them is callback-answers.ts). Exported for users' own consumers.
 *
 * When a pipeline execution with a running callback step is stopped,
 * SageMaker sends one more message to the step's queue with
 * `"status": "Stopping"`. The execution stays in Stopping until somebody
 * answers that token with SendPipelineExecutionStepFailure (or Success).
 * `acknowledgeStop` is that answer.
 *
 * Unknown keys: SageMaker may add fields to the message one day, and a
 * consumer that rejected them would send every message to the DLQ and block
 * every stop. So keys other than the four documented ones are IGNORED (not
 * copied into the result), unless `{ unknownKeys: 'reject' }` is passed. A key that
 * differs from a documented one only by case (`Token`, `Status`, ...) is
 * always rejected: it means the producer is not SageMaker's format.
 */
import { isPlainObject } from '#commons/validation.js';
import { parsePipelineExecutionArn } from '#pipeline-runs/execution-arn.js';
import { NamedError } from '#commons/errors.js';
import { clip } from '#commons/text.js';
import { maskToken } from '#commons/tokens.js';

export const CALLBACK_STATUSES = ['Executing', 'Stopping'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** The body SageMaker sends to a callback step's queue (lowercase keys). */
export interface CallbackMessage {
  /** 10 letters and digits. Never log it in full: use `maskToken`. */
  token: string;
  pipelineExecutionArn: string;
  arguments: Record<string, unknown>;
  status: CallbackStatus;
}

export interface ParseOptions {
  /** `ignore` (default): extra keys are dropped. `reject`: any extra key is malformed. */
  unknownKeys?: 'ignore' | 'reject';
}

/** SQS's largest message body (1 MiB); anything longer is not a callback message. */
export const MAX_BODY_LENGTH = 1_048_576;
/** SageMaker's limit for SendPipelineExecutionStepFailure's FailureReason. */
export const MAX_FAILURE_REASON_LENGTH = 256;
/** Upper bound of a MalformedCallbackMessage's message. */
export const MAX_ERROR_MESSAGE_LENGTH = 400;

const FIELDS = ['token', 'pipelineExecutionArn', 'arguments', 'status'] as const;
type Field = (typeof FIELDS)[number];
const TOKEN = /^[a-zA-Z0-9]{10}$/;
const EXPECTED_SHAPE =
  'expected a JSON object {"token": "<10 letters and digits>", "pipelineExecutionArn": "<pipeline execution ARN>", "arguments": {...}, "status": "Executing" | "Stopping"}';

/** The SQS body is not a SageMaker callback message. The message never holds the body nor a full token. */
export class MalformedCallbackMessage extends NamedError {
  /** The field that is wrong, or `body` when the whole body is. */
  readonly field: Field | 'body';
  constructor(field: Field | 'body', message: string, cause?: unknown) {
    super('MalformedCallbackMessage', clip(message, MAX_ERROR_MESSAGE_LENGTH), cause);
    this.field = field;
  }
}

/** Describes a value without echoing more than a short string of it. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

/** A key name, quoted and bounded (keys come from the body, which may be hostile). */
const quoteKey = (key: string): string => JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);

/** The position V8 reports in a JSON syntax error, without the body excerpt it also quotes. */
function jsonSyntaxCause(error: unknown): SyntaxError {
  const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
  return new SyntaxError(`JSON.parse rejected the body${position === undefined ? '' : ` at position ${position}`}`);
}

function parseToken(value: unknown): string {
  if (typeof value !== 'string') {
    // A non-string is never a secret worth hiding, but keep it short.
    throw new MalformedCallbackMessage('token', `token is ${describe(value)}; expected a string of 10 letters and digits.`);
  }
  if (value.length !== 10) {
    throw new MalformedCallbackMessage('token', `token is ${value.length} characters long; expected 10 letters and digits.`);
  }
  if (!TOKEN.test(value)) {
    throw new MalformedCallbackMessage('token', 'token has characters other than letters and digits; expected 10 letters and digits.');
  }
  return value;
}

/**
 * Parses an SQS message body as a SageMaker callback message. Throws
 * MalformedCallbackMessage saying what is wrong and what was expected; the
 * error message is at most 400 characters and never contains the body or a
 * full token. Returns the four documented fields only.
 */
export function parseCallbackMessage(body: string, options: ParseOptions = {}): CallbackMessage {
  if (typeof body !== 'string') {
    throw new MalformedCallbackMessage('body', `The message body is ${describe(body)}; ${EXPECTED_SHAPE}.`);
  }
  if (body.length > MAX_BODY_LENGTH) {
    throw new MalformedCallbackMessage(
      'body',
      `The message body is ${body.length} characters long, more than SQS's ${MAX_BODY_LENGTH}; ${EXPECTED_SHAPE}.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new MalformedCallbackMessage(
      'body',
      `The message body (${body.length} characters) is not valid JSON; ${EXPECTED_SHAPE}.`,
      jsonSyntaxCause(error),
    );
  }
  if (!isPlainObject(parsed)) {
    throw new MalformedCallbackMessage('body', `The message body is ${describe(parsed)}; ${EXPECTED_SHAPE}.`);
  }
  // A well-formed token may be repeated in a field the error echoes (a key, the ARN, the status): never let it out.
  const token = typeof parsed.token === 'string' && TOKEN.test(parsed.token) ? parsed.token : undefined;
  try {
    return parseFields(parsed, options);
  } catch (error) {
    if (!(error instanceof MalformedCallbackMessage) || token === undefined || !error.message.includes(token)) throw error;
    // The cause would quote the token too: drop it.
    throw new MalformedCallbackMessage(error.field, redactToken(error.message, token));
  }
}

function parseFields(parsed: Record<string, unknown>, options: ParseOptions): CallbackMessage {
  const keys = Object.keys(parsed);
  const miscased = keys.filter(
    (key) => !(FIELDS as readonly string[]).includes(key) && FIELDS.some((field) => field.toLowerCase() === key.toLowerCase()),
  );
  if (miscased.length > 0) {
    const shown = miscased.slice(0, 4).map(quoteKey).join(', ');
    throw new MalformedCallbackMessage(
      'body',
      `The message has the key(s) ${shown} in the wrong case; SageMaker's keys are lowercase camelCase: ${FIELDS.join(', ')}.`,
    );
  }
  const unknown = keys.filter((key) => !(FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0 && options.unknownKeys === 'reject') {
    const shown = unknown.slice(0, 4).map(quoteKey).join(', ');
    const more = unknown.length > 4 ? ` and ${unknown.length - 4} more` : '';
    throw new MalformedCallbackMessage('body', `The message has unknown key(s) ${shown}${more}; expected only ${FIELDS.join(', ')}.`);
  }
  for (const field of FIELDS) {
    if (!Object.hasOwn(parsed, field)) {
      throw new MalformedCallbackMessage(field, `The message has no ${field}; ${EXPECTED_SHAPE}.`);
    }
  }

  const token = parseToken(parsed.token);
  try {
    parsePipelineExecutionArn(parsed.pipelineExecutionArn);
  } catch (error) {
    throw new MalformedCallbackMessage('pipelineExecutionArn', (error as Error).message, error);
  }
  if (!isPlainObject(parsed.arguments)) {
    throw new MalformedCallbackMessage(
      'arguments',
      `arguments is ${describe(parsed.arguments)}; expected a JSON object (empty when the step has no inputs).`,
    );
  }
  const status = parsed.status;
  if (typeof status !== 'string' || !(CALLBACK_STATUSES as readonly string[]).includes(status)) {
    throw new MalformedCallbackMessage('status', `status is ${describe(status)}; expected "Executing" or "Stopping".`);
  }
  return {
    token,
    pipelineExecutionArn: parsed.pipelineExecutionArn as string,
    arguments: parsed.arguments,
    status: status as CallbackStatus,
  };
}

/** True for the message SageMaker sends when the execution is being stopped. */
export function isStopping(message: CallbackMessage): message is CallbackMessage & { status: 'Stopping' } {
  return message.status === 'Stopping';
}

/** Replaces every occurrence of the token in a text with its masked form (SDK messages may quote it). */
export function redactToken(text: string, token: string): string {
  return token === '' ? text : text.split(token).join(maskToken(token));
}

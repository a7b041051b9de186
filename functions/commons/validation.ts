/**
 * Validation shared by every boundary (state machine inputs, SQS message
 * bodies, CLI flags): each helper throws InvalidInput with one sentence that
 * says what is wrong and what was expected, never echoing a long value.
 */
import { InvalidInput } from './errors.js';

/** SageMaker's limit for a FailureReason, and ours for a stop reason that ends up in one. */
export const MAX_REASON_LENGTH = 256;
export const MAX_WAIT_SECONDS_LIMIT = 86_400;

/** Describes an input value for an error sentence, without echoing a long string. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // JSON quoting escapes control characters: an error message never carries them raw.
  if (typeof value === 'string') return value.length > 60 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An optional true/false field (null = absent: `fallback`). */
export function readBoolean(body: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new InvalidInput(`${key} is ${describeValue(value)}; expected true or false.`);
  return value;
}

/** An optional integer field within [min, max] (null = absent); `unit` names what it counts in the error. */
export function readInteger(body: Record<string, unknown>, key: string, min: number, max: number, unit = ''): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const what = unit ? `an integer number of ${unit}` : 'an integer';
    throw new InvalidInput(`${key} is ${describeValue(value)}; expected ${what} from ${min} to ${max}.`);
  }
  return value;
}

/** Throws InvalidInput naming (at most 5 of) the keys outside `allowed`; `ignored` keys are accepted silently. */
export function rejectUnknownKeys(body: Record<string, unknown>, allowed: readonly string[], ignored: readonly string[] = []): void {
  const unknownKeys = Object.keys(body).filter((key) => !ignored.includes(key) && !allowed.includes(key));
  if (unknownKeys.length > 0) {
    const shown = unknownKeys
      .slice(0, 5)
      .map((key) => `"${key.slice(0, 60)}"`)
      .join(', ');
    throw new InvalidInput(`The input has unknown field(s) ${shown}; expected only ${allowed.join(', ')}.`);
  }
}

/** The optional `reason`: a non-empty string of at most MAX_REASON_LENGTH characters (null = absent). */
export function readReason(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_REASON_LENGTH) {
    throw new InvalidInput(`reason is ${describeValue(value)}; expected a non-empty string of at most ${MAX_REASON_LENGTH} characters.`);
  }
  rejectControlCharacters(value, 'reason');
  return value;
}

/** C0 and C1 control characters and the Unicode line and paragraph separators: refused here, escaped by the CLI. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Free text (a reason) ends up in SageMaker's failure reasons, the report and terminals: a control
 * character there could clear a screen or forge a line, so it is refused, with where it is.
 */
export function rejectControlCharacters(value: string, field: string): void {
  const at = value.search(CONTROL_CHARACTER);
  if (at === -1) return;
  const code = value.charCodeAt(at).toString(16).padStart(4, '0');
  throw new InvalidInput(
    `${field} has a control character (U+${code.toUpperCase()}) at position ${at + 1}; expected printable text on one line.`,
  );
}

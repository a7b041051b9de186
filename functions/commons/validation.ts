/**
 * Validation shared by every boundary (state machine inputs, SQS message
 * bodies, CLI flags): each helper throws InvalidInput with one sentence that
 * says what is wrong and what was expected, never echoing a long value.
 */
import { parse as parseArn, validate as isArn } from '@aws-sdk/util-arn-parser';
import { InvalidInput } from './errors.js';

/** SageMaker's limit for a FailureReason, and ours for a stop reason that ends up in one. */
export const MAX_REASON_LENGTH = 256;
export const MAX_WAIT_SECONDS_LIMIT = 86_400;
const MAX_ARN_LENGTH = 2048;
export const PIPELINE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
const EXECUTION_ID = /^[a-zA-Z0-9]{1,64}$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/**
 * The AWS partitions, each with the region prefixes that belong to it (every other region is in `aws`).
 * An ARN names both: they must agree, or the call would go to an endpoint that does not hold the run.
 */
const PARTITION_REGIONS: Record<string, RegExp> = {
  aws: /^(?!cn-|us-gov-|us-iso|eu-isoe-|eusc-)/,
  'aws-cn': /^cn-/,
  'aws-us-gov': /^us-gov-/,
  'aws-iso': /^us-iso-/,
  'aws-iso-b': /^us-isob-/,
  'aws-iso-e': /^eu-isoe-/,
  'aws-iso-f': /^us-isof-/,
  'aws-eusc': /^eusc-/,
};
export const PARTITIONS = Object.keys(PARTITION_REGIONS);
const ACCOUNT_ID = /^\d{12}$/;

export interface ParsedExecutionArn {
  partition: string;
  region: string;
  accountId: string;
  pipelineName: string;
  executionId: string;
}

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

/** Parses `arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>/execution/<id>`. */
export function parsePipelineExecutionArn(value: unknown, field = 'pipelineExecutionArn'): ParsedExecutionArn {
  if (typeof value !== 'string') {
    throw new InvalidInput(`${field} is ${describeValue(value)}; expected a SageMaker pipeline execution ARN string.`);
  }
  if (value.trim() === '') throw new InvalidInput(`${field} is empty; expected a SageMaker pipeline execution ARN.`);
  if (value !== value.trim()) {
    throw new InvalidInput(`${field} has leading or trailing whitespace; expected the ARN alone, without spaces or line breaks around it.`);
  }
  if (value.length > MAX_ARN_LENGTH) {
    throw new InvalidInput(`${field} is ${value.length} characters long; expected an ARN of at most ${MAX_ARN_LENGTH} characters.`);
  }
  const expected = 'expected arn:aws:sagemaker:<region>:<account>:pipeline/<name>/execution/<id>';
  if (!isArn(value)) {
    // ARNs are case-sensitive: ARN:AWS:SAGEMAKER:... is a copy that went through an upper-casing tool.
    const why =
      /^arn:/i.test(value) && !value.startsWith('arn:')
        ? ' (ARNs are case-sensitive: it must begin with lower-case "arn:" and name the partition and service in lower case)'
        : '';
    throw new InvalidInput(`${field} ${describeValue(value)} is not an ARN${why}; ${expected}.`);
  }
  const arn = parseArn(value);
  if (arn.service !== 'sagemaker') {
    throw new InvalidInput(`${field} is an ARN of service "${arn.service}", not sagemaker; ${expected}.`);
  }
  const regions = Object.hasOwn(PARTITION_REGIONS, arn.partition) ? PARTITION_REGIONS[arn.partition] : undefined;
  if (!regions) {
    throw new InvalidInput(`${field} names the partition ${describeValue(arn.partition)}; expected one of ${PARTITIONS.join(', ')}.`);
  }
  if (!REGION.test(arn.region) || !ACCOUNT_ID.test(arn.accountId)) {
    throw new InvalidInput(`${field} has a malformed region or account id; ${expected}.`);
  }
  if (!regions.test(arn.region)) {
    throw new InvalidInput(
      `${field} names region "${arn.region}", which is not in partition "${arn.partition}"; expected an ARN as SageMaker returned it.`,
    );
  }
  const parts = arn.resource.split('/');
  if (parts[0] !== 'pipeline' || parts.length !== 4 || parts[2] !== 'execution') {
    const hint = parts[0] === 'pipeline' && parts.length === 2 ? ' (this is a pipeline ARN without an execution)' : '';
    throw new InvalidInput(`${field} names the resource "${arn.resource.slice(0, 120)}"${hint}; ${expected}.`);
  }
  const [, pipelineName = '', , executionId = ''] = parts;
  if (!PIPELINE_NAME.test(pipelineName)) {
    throw new InvalidInput(`${field} has an invalid pipeline name; expected 1-256 letters, digits and hyphens.`);
  }
  if (!EXECUTION_ID.test(executionId)) {
    throw new InvalidInput(`${field} has an invalid execution id; expected 1-64 letters and digits.`);
  }
  return { partition: arn.partition, region: arn.region, accountId: arn.accountId, pipelineName, executionId };
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

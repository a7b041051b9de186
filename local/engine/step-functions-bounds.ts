/**
 * What the local Step Functions accepts, bounded as the service bounds it: a task's result (over
 * 256 KiB the state fails with States.DataLimitExceeded), and in a request: ARNs (a
 * malformed one is InvalidArn before anything is looked up), names, role ARNs, and the JSON
 * documents a request carries as strings - an execution's input and a task's output at most 256 KiB
 * (262,144 bytes of UTF-8, the `input` and `output` members' length constraint in the Step Functions
 * API reference), a definition at most 1 MiB - each nested at most MAX_JSON_DEPTH levels (a local
 * bound: AWS publishes none, and deeper JSON cannot be serialized safely here).
 */
import { NamedError } from '#commons/errors.js';
import { jsonDepth, MAX_JSON_DEPTH } from '#local/simulator/protocol.js';
import type { JsonValue } from '#local/simulator/types.js';

export class StepFunctionsError extends NamedError {
  constructor(name: string, message: string) {
    super(name, message);
  }
}

/** Step Functions' payload limit: 256 KiB of UTF-8 for an execution's input and a task's or state's output (the service quotas page). */
export const MAX_PAYLOAD_BYTES = 262_144;

/** A task's result over the payload limit fails the state with States.DataLimitExceeded, as on AWS. */
/** A request the API refuses as malformed (400 ValidationException), saying what is wrong. */
export class BadRequest extends StepFunctionsError {
  constructor(message: string) {
    super('ValidationException', message);
  }
}

export class DataLimitExceeded extends NamedError {
  constructor(stateName: string, bytes: number) {
    super(
      'States.DataLimitExceeded',
      `State "${stateName}": the task's result has ${bytes} bytes; Step Functions takes at most ${MAX_PAYLOAD_BYTES}.`,
    );
  }
}

export function assertWithinPayloadLimit(stateName: string, output: unknown): void {
  const bytes = Buffer.byteLength(JSON.stringify(output ?? null), 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) throw new DataLimitExceeded(stateName, bytes);
}

/** CreateStateMachine's definition: at most 1 MiB (the `definition` member's length constraint). */
const MAX_DEFINITION_BYTES = 1_048_576;
/** arn:<partition>:states:<region>:<account>:stateMachine:<name> and :execution:<machine>:<name>. */
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:\s]{1,80}$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:\s]{1,80}:[^:\s]{1,80}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** A name Step Functions accepts (executions and state machines): 1-80 characters, no whitespace, brackets, wildcards or control characters. */
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;
const hasControlCharacter = (text: string): boolean =>
  [...text].some(
    (character) =>
      (character.codePointAt(0) ?? 0) < 0x20 || ((character.codePointAt(0) ?? 0) >= 0x7f && (character.codePointAt(0) ?? 0) <= 0x9f),
  );

export const shownArn = (value: unknown): string => String(value).slice(0, 200);

/** A malformed ARN is InvalidArn on AWS, before anything is looked up. */
export function assertArn(value: string, kind: 'stateMachine' | 'execution'): void {
  if (!(kind === 'stateMachine' ? STATE_MACHINE_ARN : EXECUTION_ARN).test(value)) {
    const shape =
      kind === 'stateMachine'
        ? 'arn:aws:states:<region>:<account>:stateMachine:<name>'
        : 'arn:aws:states:<region>:<account>:execution:<stateMachine>:<name>';
    throw new StepFunctionsError(
      'InvalidArn',
      `Invalid Arn: '${shownArn(value)}' is not a ${kind === 'stateMachine' ? 'state machine' : 'execution'} ARN; expected ${shape}.`,
    );
  }
}

/** An execution's or a state machine's name; `explained` adds what a name may hold to the error. */
export function assertName(name: string, explained = false): void {
  if (NAME.test(name) && !hasControlCharacter(name)) return;
  const rules = explained
    ? '; expected 1-80 characters without whitespace, brackets, wildcards, control characters or any of " # % \\ ^ | ~ ` $ & , ; : /.'
    : '';
  throw new StepFunctionsError('InvalidName', `Invalid Name: '${name.slice(0, 100)}'${rules}`);
}

export function assertRoleArn(roleArn: string): void {
  if (!ROLE_ARN.test(roleArn))
    throw new StepFunctionsError(
      'InvalidArn',
      `Invalid Arn: roleArn '${roleArn.slice(0, 200)}' is not an IAM role ARN; expected arn:aws:iam::<account>:role/<name>.`,
    );
}

/**
 * A JSON document a request carries as a string: over `maxBytes` of UTF-8 a ValidationException
 * naming the member; no JSON, or deeper than MAX_JSON_DEPTH, the operation's own error (`invalid`,
 * with its sentence's `title`).
 */
function parseBoundedJson(text: string, bounds: { member: string; maxBytes: number; invalid: string; title: string }): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > bounds.maxBytes) {
    throw new StepFunctionsError(
      'ValidationException',
      `1 validation error detected: Value at '${bounds.member}' failed to satisfy constraint: Member must have length less than or equal to ${bounds.maxBytes} (the ${bounds.member} has ${bytes} bytes).`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StepFunctionsError(bounds.invalid, `${bounds.title}: the ${bounds.member} is not JSON.`);
  }
  const depth = jsonDepth(parsed as JsonValue);
  if (depth > MAX_JSON_DEPTH)
    throw new StepFunctionsError(bounds.invalid, `${bounds.title}: it nests ${depth} levels deep; expected at most ${MAX_JSON_DEPTH}.`);
  return parsed;
}

/** An execution's input (StartExecution). */
export const parseExecutionInput = (text: string): unknown =>
  parseBoundedJson(text, {
    member: 'input',
    maxBytes: MAX_PAYLOAD_BYTES,
    invalid: 'InvalidExecutionInput',
    title: 'Invalid State Machine Execution Input',
  });

/** A task's output (SendTaskSuccess). */
export const parseTaskOutput = (text: string): unknown =>
  parseBoundedJson(text, { member: 'output', maxBytes: MAX_PAYLOAD_BYTES, invalid: 'InvalidOutput', title: 'Invalid Output' });

/** A state machine's definition (Create/UpdateStateMachine). */
export const parseDefinition = (text: string): unknown =>
  parseBoundedJson(text, {
    member: 'definition',
    maxBytes: MAX_DEFINITION_BYTES,
    invalid: 'InvalidDefinition',
    title: 'Invalid State Machine Definition',
  });

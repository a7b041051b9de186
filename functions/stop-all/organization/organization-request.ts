/**
 * The organization stop's input contract: which targets (explicit accounts × regions, the accounts
 * of an organizational unit × regions, or every instance of the spokes' StackSet), the selection
 * every spoke's stop-all gets (checked by stop-all's own parser, so a bad selection fails once, here,
 * not once per target), and how long a target may take.
 */
import { InvalidInput } from '#commons/errors.js';
import { describeValue, isPlainObject, readInteger, rejectUnknownKeys } from '#commons/validation.js';
import { parseStopAllRequest } from '#stop-all/stop-all-request.js';
import type { OrganizationStopRequest, TargetSelection } from './model.js';

/**
 * At most this many targets (accounts × regions) in one organization stop. Each target's result is
 * kept in S3, not in the state; what the state holds - the targets, the report's first 200 results -
 * stays within Step Functions' 256 KB at this many (a test keeps the worst case below it), and the
 * summariser reads them all well within its time.
 */
export const MAX_TARGETS = 1_000;
export const MAX_REGIONS = 30;
/** A target's stop-all may take this long by default (and at most a week) before it ends SpokeTimedOut. */
export const DEFAULT_SPOKE_TIMEOUT_SECONDS = 21_600;
export const MAX_SPOKE_TIMEOUT_SECONDS = 604_800;

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
const ORGANIZATIONAL_UNIT = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const STACK_SET = /^[a-zA-Z][a-zA-Z0-9-]{0,127}$/;
const TARGET_KEYS = ['accounts', 'organizationalUnit', 'stackSet', 'regions', 'callAs'];

/** The regions of a request (targets.regions, or the CLI's --regions): region names, each once. */
export const parseRegions = (value: unknown): string[] => list(value, 'regions', REGION, 'region names (us-east-1)', MAX_REGIONS);

function list(value: unknown, field: string, pattern: RegExp, what: string, max: number): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > max) {
    throw new InvalidInput(`targets.${field} is ${describeValue(value)}; expected a list of 1 to ${max} ${what}.`);
  }
  const bad = value.find((item) => typeof item !== 'string' || !pattern.test(item));
  if (bad !== undefined) throw new InvalidInput(`targets.${field} holds ${describeValue(bad)}; expected ${what} only.`);
  return [...new Set(value as string[])];
}

function parseTargets(value: unknown): TargetSelection {
  if (!isPlainObject(value)) {
    throw new InvalidInput(
      `targets is ${describeValue(value)}; expected {"accounts": [...], "regions": [...]}, {"organizationalUnit": "ou-...", "regions": [...]} or {"stackSet": "<name>"}.`,
    );
  }
  rejectUnknownKeys(value, TARGET_KEYS);
  const given = ['accounts', 'organizationalUnit', 'stackSet'].filter((key) => value[key] !== undefined);
  if (given.length !== 1) {
    throw new InvalidInput(
      `targets names ${given.length === 0 ? 'no' : given.join(' and ')} selection; expected exactly one of accounts, organizationalUnit, stackSet.`,
    );
  }
  if (value.stackSet !== undefined) {
    if (typeof value.stackSet !== 'string' || !STACK_SET.test(value.stackSet)) {
      throw new InvalidInput(
        `targets.stackSet is ${describeValue(value.stackSet)}; expected a StackSet name (a letter, then letters, digits and hyphens).`,
      );
    }
    if (value.regions !== undefined)
      throw new InvalidInput('targets.regions goes with accounts or organizationalUnit; a StackSet names its own regions.');
    const callAs = value.callAs ?? 'SELF';
    if (callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN')
      throw new InvalidInput(`targets.callAs is ${describeValue(callAs)}; expected SELF or DELEGATED_ADMIN.`);
    return { stackSet: value.stackSet, callAs };
  }
  if (value.callAs !== undefined) throw new InvalidInput('targets.callAs goes with stackSet only.');
  const regions = parseRegions(value.regions);
  if (value.organizationalUnit !== undefined) {
    if (typeof value.organizationalUnit !== 'string' || !ORGANIZATIONAL_UNIT.test(value.organizationalUnit)) {
      throw new InvalidInput(
        `targets.organizationalUnit is ${describeValue(value.organizationalUnit)}; expected an organizational unit id (ou-xxxx-xxxxxxxx).`,
      );
    }
    return { organizationalUnit: value.organizationalUnit, regions };
  }
  const accounts = list(value.accounts, 'accounts', ACCOUNT_ID, '12-digit account ids', MAX_TARGETS);
  if (accounts.length * regions.length > MAX_TARGETS) {
    throw new InvalidInput(
      `targets names ${accounts.length} accounts × ${regions.length} regions = ${accounts.length * regions.length} targets; expected at most ${MAX_TARGETS}.`,
    );
  }
  return { accounts, regions };
}

/** Parses an organization stop's input; throws InvalidInput saying what is wrong and what was expected. */
export function parseOrganizationStopRequest(input: unknown): OrganizationStopRequest {
  if (!isPlainObject(input))
    throw new InvalidInput(`The input is ${describeValue(input)}; expected an object with targets and a stop-all selection.`);
  // Everything but the targets and the spoke timeout is the stop-all selection.
  const { targets, spokeTimeoutSeconds: _spokeTimeoutSeconds, ...stopAll } = input;
  const spokeTimeout = readInteger(input, 'spokeTimeoutSeconds', 60, MAX_SPOKE_TIMEOUT_SECONDS, 'seconds');
  // The selection is stop-all's own contract: the same parser the spokes run.
  parseStopAllRequest(stopAll);
  return { targets: parseTargets(targets), stopAll, spokeTimeoutSeconds: spokeTimeout ?? DEFAULT_SPOKE_TIMEOUT_SECONDS };
}

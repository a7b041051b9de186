/**
 * `stop-all` across an organization: --accounts, --organizational-unit or --stack-set (with
 * --regions) make the input the hub's organization stop takes - its targets beside the stop-all
 * selection - checked by the hub's own parser.
 */
import { InvalidInput } from '#commons/errors.js';
import { parseOrganizationStopRequest, parseRegions } from '#stop-all/organization/organization-request.js';
import { UsageError } from './command-table.js';

type Values = Record<string, string | number | boolean>;

const listOf = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** The organization stop's targets the flags name, or undefined when they name none (a stop-all of one account and region). */
export function organizationTargets(values: Values): Record<string, unknown> | undefined {
  const accounts = values.accounts as string | undefined;
  const unit = values['organizational-unit'] as string | undefined;
  const stackSet = values['stack-set'] as string | undefined;
  const regions = values.regions as string | undefined;
  const given = [accounts && '--accounts', unit && '--organizational-unit', stackSet && '--stack-set'].filter(Boolean);
  if (given.length === 0) {
    if (regions !== undefined) throw new UsageError('--regions goes with --accounts or --organizational-unit.', 'stop-all');
    return undefined;
  }
  if (given.length > 1)
    throw new UsageError(`Give one of --accounts, --organizational-unit, --stack-set; got ${given.join(' and ')}.`, 'stop-all');
  if (stackSet !== undefined) {
    if (regions !== undefined)
      throw new UsageError('--regions goes with --accounts or --organizational-unit: a StackSet names its own regions.', 'stop-all');
    return { stackSet };
  }
  if (regions === undefined) throw new UsageError(`${given[0]} needs --regions (e.g. --regions us-east-1,eu-west-1).`, 'stop-all');
  return { ...(accounts !== undefined ? { accounts: listOf(accounts) } : { organizationalUnit: unit }), regions: listOf(regions) };
}

/** The hub's input: the targets beside the stop-all selection, refused as a usage error when the hub would refuse it. */
export function organizationInput(
  targets: Record<string, unknown>,
  selection: Record<string, unknown>,
  remote: boolean,
): Record<string, unknown> {
  if (!remote) {
    throw new UsageError(
      "An organization stop runs on the hub: pass --stack-name (the hub's stack) or --state-machine-arn (its OrganizationStopStateMachineArn; locally, the one `simulate --accounts N --regions LIST` exports).",
      'stop-all',
    );
  }
  const input = { targets, ...selection };
  try {
    parseOrganizationStopRequest(input);
  } catch (error) {
    if (error instanceof InvalidInput)
      throw new UsageError(
        error.message.replace(/targets\.accounts/g, '--accounts').replace(/targets\.regions/g, '--regions'),
        'stop-all',
        error,
      );
    throw error;
  }
  return input;
}

/** `simulate --accounts N --regions LIST`: a local organization of N member accounts with a spoke in each region. */
export function simulatedOrganization(values: Values): { accounts: number; regions: string[] } | undefined {
  const accounts = values.accounts as number | undefined;
  const regions = values.regions as string | undefined;
  if (accounts === undefined && regions === undefined) return undefined;
  if (accounts === undefined || regions === undefined)
    throw new UsageError('--accounts and --regions go together (e.g. --accounts 3 --regions us-east-1,eu-west-1).', 'simulate');
  try {
    return { accounts, regions: parseRegions(listOf(regions)) };
  } catch (error) {
    if (error instanceof InvalidInput) throw new UsageError(error.message.replace(/targets\.regions/g, '--regions'), 'simulate', error);
    throw error;
  }
}

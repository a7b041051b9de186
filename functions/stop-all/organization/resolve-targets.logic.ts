/**
 * The targets of an organization stop, resolved once at its start: accounts × regions as given; the
 * ACTIVE accounts of an organizational unit and of the units below it × regions; or every instance of
 * the spokes' StackSet. Each listing reads every page at a stated pace, within bounds.
 */
import { ListStackInstancesCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { InvalidInput } from '#commons/errors.js';
import { MAX_TARGETS } from './organization-request.js';
import type { OrganizationStopRequest, SpokeTarget } from './model.js';

/** At most this many organizational units are walked below the one named (a deeper tree is refused, not cut). */
export const MAX_UNITS = 100;
/** At most this many pages per listing. */
export const MAX_PAGES = 100;

export interface ResolveDependencies {
  organizations: OrganizationsClient;
  cloudFormation: CloudFormationClient;
  /** Waits for the pace of the listings (Organizations allows a few calls a second). */
  pace: () => Promise<void>;
}

async function pages<T>(
  deps: ResolveDependencies,
  read: (token: string | undefined) => Promise<{ items: T[]; next?: string }>,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    await deps.pace();
    const { items, next } = await read(token);
    all.push(...items);
    if (!next) return all;
    token = next;
  }
  throw new InvalidInput(`The listing has more than ${MAX_PAGES} pages; expected a smaller organizational unit or StackSet.`);
}

async function accountsBelow(unit: string, deps: ResolveDependencies): Promise<string[]> {
  const units = [unit];
  const accounts: string[] = [];
  for (let index = 0; index < units.length; index += 1) {
    const parent = units[index] as string;
    const listed = await pages(deps, async (NextToken) => {
      const page = await deps.organizations.send(new ListAccountsForParentCommand({ ParentId: parent, NextToken }));
      return { items: page.Accounts ?? [], ...(page.NextToken ? { next: page.NextToken } : {}) };
    });
    accounts.push(...listed.filter((account) => (account.State ?? account.Status) === 'ACTIVE').flatMap((account) => account.Id ?? []));
    const children = await pages(deps, async (NextToken) => {
      const page = await deps.organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent, NextToken }));
      return { items: page.OrganizationalUnits ?? [], ...(page.NextToken ? { next: page.NextToken } : {}) };
    });
    units.push(...children.flatMap((child) => child.Id ?? []));
    if (units.length > MAX_UNITS)
      throw new InvalidInput(`${unit} holds more than ${MAX_UNITS} organizational units; expected a smaller unit.`);
  }
  return accounts;
}

const cartesian = (accounts: string[], regions: string[]): SpokeTarget[] =>
  accounts.flatMap((accountId) => regions.map((region) => ({ accountId, region })));

/** The targets, each once, in a stable order (account, then region); more than MAX_TARGETS is refused. */
export async function resolveTargets(request: OrganizationStopRequest, deps: ResolveDependencies): Promise<SpokeTarget[]> {
  const { targets } = request;
  let resolved: SpokeTarget[];
  if ('accounts' in targets) resolved = cartesian(targets.accounts, targets.regions);
  else if ('organizationalUnit' in targets) resolved = cartesian(await accountsBelow(targets.organizationalUnit, deps), targets.regions);
  else {
    const instances = await pages(deps, async (NextToken) => {
      const page = await deps.cloudFormation.send(
        new ListStackInstancesCommand({ StackSetName: targets.stackSet, CallAs: targets.callAs, NextToken }),
      );
      return { items: page.Summaries ?? [], ...(page.NextToken ? { next: page.NextToken } : {}) };
    });
    resolved = instances.flatMap((instance) =>
      instance.Account && instance.Region ? [{ accountId: instance.Account, region: instance.Region }] : [],
    );
  }
  const unique = [...new Map(resolved.map((target) => [`${target.accountId}/${target.region}`, target])).values()].sort(
    (a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region),
  );
  if (unique.length === 0) throw new InvalidInput('The targets resolve to no account and region; expected at least one spoke.');
  if (unique.length > MAX_TARGETS)
    throw new InvalidInput(`The targets resolve to ${unique.length} accounts and regions; expected at most ${MAX_TARGETS}.`);
  return unique;
}

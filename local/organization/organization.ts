/**
 * A local organization: several accounts and regions on one machine. The hub is this thread's local
 * cloud (LOCAL_ACCOUNT_ID, LOCAL_REGION) with the organization stop and its functions added, as a
 * stack deployed with OrganizationHub=true adds them; each spoke is a local cloud in a thread of its
 * own (spoke-thread.ts) with its own SageMaker, quota and stop-all, as a StackSet instance is a stack
 * of its own. The hub's functions reach the spokes through the front (front.ts): the local STS
 * (template.yaml's trust and permissions), the Step Functions of each account and region, the
 * spokes' StackSets and the organization's listing. A spoke's Stop All Completed goes by its own
 * rule to the hub's bus, where the hub's rule wakes the wait for it.
 */
import type { Context } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '#local/account.js';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '#local/cloud.js';
import { localLambdaContext } from '#local/engine/lambda-context.js';
import { loadBuiltBundles } from '#local/engine/load-handlers.js';
import { createOrganizationStopMachine, ORGANIZATION_STOP_FUNCTIONS } from '#local/engine/organization-stop.js';
import { localFunctionArn, type LocalStateMachine } from '#local/engine/runner.js';
import { startFront, type Front } from './front.js';
import { LocalIdentity, HUB_ACCESS_KEY_ID, type LocalSpoke } from './identity.js';
import type { SeedRunName } from '#local/seed-runs.js';
import { keyOf, threadPerSpoke, type RunningSpoke, type SpokeHost } from './spoke-threads.js';

export type { RunningSpoke } from './spoke-threads.js';

export const LOCAL_ORGANIZATION_ID = 'o-localorg01';
/** The organization a misconfigured spoke trusts instead. */
export const OTHER_ORGANIZATION_ID = 'o-otherorg01';
/** The spokes' StackSets: this prefix and their region (SpokeStackSetPrefix's default). */
export const SPOKE_STACK_SET_PREFIX = 'graceful-stop-spokes-';

/** The member accounts of a local organization: 200000000001, 200000000002, … */
export const memberAccount = (index: number): string => String(200_000_000_001 + index);

export interface LocalOrganizationOptions {
  /** How many member accounts (each with spokes), or their ids. */
  accounts: number | string[];
  regions: string[];
  timeScale?: number;
  executionLimit?: number;
  /** Runs started in every spoke, by seed run name (local/seed-runs.ts). */
  seed?: Partial<Record<SeedRunName, number>>;
  /** `account/region` targets with no spoke deployed. */
  withoutSpoke?: string[];
  /** `account/region` spokes whose role trusts another organization. */
  trustingAnotherOrganization?: string[];
  /** `account/region` spokes whose Stop All Completed events are lost before their rules. */
  losingEvents?: string[];
  /** Per account, the regions not enabled for it. */
  disabledRegions?: Record<string, string[]>;
  /** The hub's cloud options (its events, dead letters). */
  hub?: Pick<LocalCloudOptions, 'onEvent' | 'onDeadLetter' | 'port' | 'sqsPort' | 'wrapHandlers'>;
  functionsDir?: string;
  /** How the spokes run (default: each a whole local cloud in a thread of its own). */
  hostSpokes?: SpokeHost;
  /**
   * What the spokes' functions print (log lines, metrics documents); by default this process's
   * console, where the hub's functions print too (the CLI routes it).
   */
  onFunctionOutput?: (text: string) => void;
}

export interface LocalOrganization {
  organizationId: string;
  hub: { accountId: string; region: string; cloud: LocalCloud; organizationStop: LocalStateMachine };
  accounts: string[];
  regions: string[];
  spokes: RunningSpoke[];
  front: Front;
  identity: LocalIdentity;
  /** What a shell needs to use the hub with the CLI, the AWS CLI or an SDK. */
  exports: Record<string, string>;
  close(): Promise<void>;
}

/** The hub's part of template.yaml: the organization stop and its functions, and the rule that wakes its waits. */
async function hubExtension(front: Front, functionsDir: string | undefined, wrap: LocalCloudOptions['wrapHandlers']) {
  // The hub's functions reach STS, the spokes' Step Functions, the StackSets and Organizations through the front.
  for (const service of ['STS', 'SFN', 'CLOUDFORMATION', 'ORGANIZATIONS']) process.env[`AWS_ENDPOINT_URL_${service}`] = front.endpoint;
  const loaded = await loadBuiltBundles({ ...ORGANIZATION_STOP_FUNCTIONS, EndSpokeWaitsFunction: 'end-spoke-waits' }, functionsDir);
  const handlers = wrap ? wrap(loaded) : loaded;
  const organizationStop = createOrganizationStopMachine(handlers);
  const endSpokeWaits = handlers.EndSpokeWaitsFunction;
  return {
    organizationStop,
    extension: {
      machines: [organizationStop],
      targets: {
        EndSpokeWaitsFunction: (input: unknown) =>
          endSpokeWaits(input, localLambdaContext(localFunctionArn('EndSpokeWaitsFunction')) as Context),
      },
    },
  };
}

export async function startLocalOrganization(options: LocalOrganizationOptions): Promise<LocalOrganization> {
  const accounts =
    typeof options.accounts === 'number' ? Array.from({ length: options.accounts }, (_, index) => memberAccount(index)) : options.accounts;
  const timeScale = options.timeScale ?? 1;
  // The hub's functions read their clock's scale at load: the organization runs on one clock.
  process.env.GRACEFUL_STOP_TIME_SCALE = String(timeScale);
  const hub = { accountId: LOCAL_ACCOUNT_ID, region: LOCAL_REGION };
  const listed = (list: string[] | undefined, accountId: string, region: string) => list?.includes(keyOf(accountId, region)) ?? false;
  const deployed: LocalSpoke[] = accounts.flatMap((accountId) =>
    options.regions.flatMap((region) =>
      listed(options.withoutSpoke, accountId, region)
        ? []
        : [
            {
              accountId,
              region,
              trustsHubAccountId: hub.accountId,
              trustsOrganizationId: listed(options.trustingAnotherOrganization, accountId, region)
                ? OTHER_ORGANIZATION_ID
                : LOCAL_ORGANIZATION_ID,
            },
          ],
    ),
  );
  const identity = new LocalIdentity(
    {
      organizationId: LOCAL_ORGANIZATION_ID,
      hub,
      accounts: [hub.accountId, ...accounts],
      stackSetPrefix: SPOKE_STACK_SET_PREFIX,
      ...(options.disabledRegions ? { disabledRegions: options.disabledRegions } : {}),
    },
    () => deployed,
  );
  const endpoints = new Map<string, string>();
  const hubApi: { endpoint?: string } = {};
  const front = await startFront({
    identity,
    spokes: () => deployed,
    hubEndpoint: () => hubApi.endpoint ?? '',
    spokeEndpoint: (accountId, region) => endpoints.get(keyOf(accountId, region)),
    stackSetPrefix: SPOKE_STACK_SET_PREFIX,
  });
  const closers: Array<() => Promise<void>> = [() => front.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0)) await close().catch(() => undefined);
  };
  try {
    let organizationStop: LocalStateMachine | undefined;
    const cloud = await startLocalCloud({
      timeScale,
      ...options.hub,
      ...(options.functionsDir ? { functionsDir: options.functionsDir } : {}),
      extend: async (api) => {
        hubApi.endpoint = api.endpoint;
        const built = await hubExtension(front, options.functionsDir, options.hub?.wrapHandlers);
        organizationStop = built.organizationStop;
        return built.extension;
      },
    });
    closers.unshift(() => cloud.close());
    const host = options.hostSpokes ?? threadPerSpoke;
    const hosted = await host(deployed, {
      timeScale,
      ...(options.executionLimit === undefined ? {} : { executionLimit: options.executionLimit }),
      ...(options.functionsDir === undefined ? {} : { functionsDir: options.functionsDir }),
      ...(options.seed ? { seed: options.seed } : {}),
      losingEvents: options.losingEvents ?? [],
      onEvent: (event) => void cloud.put(event),
      onOutput: options.onFunctionOutput ?? ((text) => console.log(text)),
    });
    closers.unshift(() => hosted.close());
    for (const spoke of hosted.spokes) endpoints.set(keyOf(spoke.accountId, spoke.region), spoke.stepFunctionsEndpoint);
    const threads = hosted.spokes;
    const exports = {
      ...cloud.exports,
      AWS_ENDPOINT_URL_SFN: front.endpoint,
      AWS_ENDPOINT_URL_STS: front.endpoint,
      AWS_ENDPOINT_URL_CLOUDFORMATION: front.endpoint,
      AWS_ENDPOINT_URL_ORGANIZATIONS: front.endpoint,
      AWS_ACCESS_KEY_ID: HUB_ACCESS_KEY_ID,
    };
    return {
      organizationId: LOCAL_ORGANIZATION_ID,
      hub: { ...hub, cloud, organizationStop: organizationStop as LocalStateMachine },
      accounts,
      regions: options.regions,
      spokes: threads,
      front,
      identity,
      exports,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

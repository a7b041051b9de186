/**
 * Reaching a spoke: the hub assumes the spoke's role (graceful-stop-hub-access-<region>, in the
 * target's account) and calls that region's Step Functions with it. Step Functions' own
 * cross-account tasks (a task's Credentials.RoleArn) stay in the state machine's region, so every
 * target - same region or not - goes through this one path. What goes wrong is named for the report.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { createStepFunctionsClientIn } from './hub-clients.js';
import { NamedError, isErrorNamed } from '#commons/errors.js';
import { digestOf } from '#commons/tokens.js';
import type { SpokeTarget } from './model.js';

/** The spoke role's name in a target: one per region, as IAM names are global to an account. */
export const spokeRoleName = (region: string): string => `graceful-stop-hub-access-${region}`;
/** The spoke's stop-all, named by the spoke stack (StopAllStateMachine's Name in a spoke). */
export const SPOKE_STOP_ALL_NAME = 'graceful-stop-all-spoke';

export const spokeRoleArn = (partition: string, target: SpokeTarget): string =>
  `arn:${partition}:iam::${target.accountId}:role/${spokeRoleName(target.region)}`;
export const spokeStopAllArn = (partition: string, target: SpokeTarget): string =>
  `arn:${partition}:states:${target.region}:${target.accountId}:stateMachine:${SPOKE_STOP_ALL_NAME}`;

/** The spoke role cannot be assumed: it is not there (no spoke) or does not trust this hub's role in its organization. */
export class SpokeAccessDenied extends NamedError {
  constructor(target: SpokeTarget, cause?: unknown) {
    super(
      'SpokeAccessDenied',
      `The hub cannot assume ${spokeRoleName(target.region)} in ${target.accountId}: no spoke is deployed in ${target.region} there, or its role does not trust this hub's organization-stop role in the organization.`,
      cause,
    );
  }
}
/** No spoke in the target: its StackSet has no instance there, or its stop-all is not there (a stack without HubAccountId). */
export class SpokeNotDeployed extends NamedError {
  constructor(target: SpokeTarget, cause?: unknown, why = `no spoke stop-all (${SPOKE_STOP_ALL_NAME}) there`) {
    super('SpokeNotDeployed', `No spoke in ${target.accountId} ${target.region}: ${why}; deploy the stack there with HubAccountId.`, cause);
  }
}
/** The target's region is not enabled for its account (an opt-in region): its endpoints refuse every token. */
export class RegionDisabled extends NamedError {
  constructor(target: SpokeTarget, cause?: unknown) {
    super(
      'RegionDisabled',
      `Region ${target.region} is not enabled for account ${target.accountId}; enable it or leave it out of the targets.`,
      cause,
    );
  }
}

/**
 * A per-target outcome travels to its iteration's Catch as Lambda's error payload, whose trace is the
 * stack: one line keeps the kept result and the report's causes short.
 */
export function oneLineStack<T extends Error>(error: T): T {
  error.stack = `${error.name}: ${error.message}`;
  return error;
}

/** Errors a region's endpoint gives every token when the region is not enabled for the account. */
const REGION_DISABLED_ERRORS = ['UnrecognizedClientException', 'InvalidClientTokenId'];

/** Maps a spoke call's error to the target's named outcome; any other error is returned as it is. */
export function spokeError(target: SpokeTarget, error: unknown): unknown {
  if (isErrorNamed(error, 'StateMachineDoesNotExist')) return oneLineStack(new SpokeNotDeployed(target, error));
  if (isErrorNamed(error, ...REGION_DISABLED_ERRORS)) return oneLineStack(new RegionDisabled(target, error));
  if (isErrorNamed(error, 'AccessDeniedException', 'AccessDenied')) return oneLineStack(new SpokeAccessDenied(target, error));
  return error;
}

interface Cached {
  client: SFNClient;
  expiresAt: number;
}
const cache = new Map<string, Cached>();
/** Credentials last 15 minutes; a client is used until a minute before they end. */
const SESSION_SECONDS = 900;

/** A Step Functions client in the target's account and region, with the spoke role assumed (cached per container until it nears expiry). */
export async function spokeStepFunctions(sts: STSClient, partition: string, target: SpokeTarget, now: number): Promise<SFNClient> {
  const key = `${target.accountId}/${target.region}`;
  const cached = cache.get(key);
  if (cached && cached.expiresAt - 60_000 > now) return cached.client;
  let assumed;
  try {
    assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: spokeRoleArn(partition, target),
        RoleSessionName: `organization-stop-${digestOf(key, 16)}`,
        DurationSeconds: SESSION_SECONDS,
      }),
    );
  } catch (error) {
    if (isErrorNamed(error, 'AccessDenied', 'AccessDeniedException')) throw oneLineStack(new SpokeAccessDenied(target, error));
    if (isErrorNamed(error, 'RegionDisabledException')) throw oneLineStack(new RegionDisabled(target, error));
    throw error;
  }
  const credentials = assumed.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
    throw oneLineStack(new SpokeAccessDenied(target, new Error('AssumeRole returned no credentials.')));
  }
  const client = createStepFunctionsClientIn(target.region, {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
  });
  cache.set(key, { client, expiresAt: credentials.Expiration?.getTime() ?? now + SESSION_SECONDS * 1000 });
  return client;
}

/** Forgets the cached clients (tests). */
export const forgetSpokeClients = (): void => cache.clear();

/**
 * Who is who in a local organization, and the local STS: the hub's functions sign with the hub's
 * key and act as its OrganizationStopSpokeCallerRole; AssumeRole hands out short-lived keys of a
 * spoke's HubAccessRole when both the hub role's policy and the spoke role's trust (both read from
 * template.yaml) allow it - so a spoke that trusts another organization, or a caller outside the
 * organization, is refused as STS refuses it: AccessDenied, the same words whether the role is
 * missing or does not trust the caller.
 */
import { randomBytes } from 'node:crypto';
import { SPOKE_STOP_ALL_NAME } from '#stop-all/organization/spoke-access.js';
import { allows, templateRole, type Caller, type PolicyStatement } from './iam.js';
import { ServiceFault } from './query-protocol.js';

/** The key the hub's functions (and a shell pointed at the local organization) sign with. */
export const HUB_ACCESS_KEY_ID = 'local';

/** One account and region with a stack of this project, and how its spoke was deployed. */
export interface LocalSpoke {
  accountId: string;
  region: string;
  /** The organization its HubAccessRole trusts (HubOrganizationId): another one makes it refuse the hub. */
  trustsOrganizationId: string;
  /** The hub account its role trusts (HubAccountId). */
  trustsHubAccountId: string;
}

export interface OrganizationShape {
  organizationId: string;
  hub: { accountId: string; region: string };
  /** The member accounts (the hub's included). */
  accounts: string[];
  /** The spokes' StackSets are named this and their region (SpokeStackSetPrefix). */
  stackSetPrefix: string;
  /** Opt-in regions that are not enabled, per account. */
  disabledRegions?: Record<string, string[]>;
}

interface Session {
  accountId: string;
  region: string;
  principalArn: string;
  sessionArn: string;
  permissions: PolicyStatement[];
  expiresAt: number;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/([\w+=,.@/-]{1,64})$/;
/** HubAccessRole's MaxSessionDuration. */
const MAX_SESSION_SECONDS = 3600;

const denied = (who: string, action: string, resource: string): ServiceFault =>
  new ServiceFault('AccessDenied', `User: ${who} is not authorized to perform: ${action} on resource: ${resource}`, 403);

export class LocalIdentity {
  private readonly sessions = new Map<string, Session>();
  private readonly others = new Map<string, Caller>();
  readonly hubCaller: Caller;
  private readonly hubPermissions: PolicyStatement[];

  constructor(
    readonly shape: OrganizationShape,
    private readonly spokes: () => readonly LocalSpoke[],
  ) {
    const { hub, organizationId } = shape;
    const role = templateRole('OrganizationStopSpokeCallerRole', {
      'AWS::Partition': 'aws',
      'AWS::Region': hub.region,
      'AWS::AccountId': hub.accountId,
      HubOrganizationId: organizationId,
      SpokeStackSetPrefix: shape.stackSetPrefix,
    });
    this.hubCaller = { accountId: hub.accountId, principalArn: `arn:aws:iam::${hub.accountId}:role/${role.roleName}`, organizationId };
    this.hubPermissions = role.permissions;
  }

  /** Another principal with a key of its own (an outsider, in tests): its own policies allow it anything. */
  addCaller(accessKeyId: string, caller: Caller): void {
    this.others.set(accessKeyId, caller);
  }

  /** The caller behind a key: the hub, a session handed out here, or a principal added; any other key is refused. */
  callerOf(accessKeyId: string, now = Date.now()): { caller: Caller; session?: Session } {
    if (accessKeyId === HUB_ACCESS_KEY_ID) return { caller: this.hubCaller };
    const session = this.sessions.get(accessKeyId);
    if (session) {
      if (session.expiresAt <= now)
        throw new ServiceFault('ExpiredTokenException', 'The security token included in the request is expired');
      return {
        caller: {
          accountId: session.accountId,
          principalArn: session.principalArn,
          organizationId: this.organizationOf(session.accountId) ?? '',
        },
        session,
      };
    }
    const other = this.others.get(accessKeyId);
    if (other) return { caller: other };
    throw new ServiceFault('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }

  organizationOf(accountId: string): string | undefined {
    return this.shape.accounts.includes(accountId) ? this.shape.organizationId : undefined;
  }

  regionDisabled(accountId: string, region: string): boolean {
    return this.shape.disabledRegions?.[accountId]?.includes(region) ?? false;
  }

  /** The spoke's HubAccessRole as template.yaml deploys it in that account and region. */
  spokeRole(spoke: LocalSpoke) {
    const stopAll = `arn:aws:states:${spoke.region}:${spoke.accountId}:stateMachine:${SPOKE_STOP_ALL_NAME}`;
    return templateRole('HubAccessRole', {
      'AWS::Partition': 'aws',
      'AWS::Region': spoke.region,
      'AWS::AccountId': spoke.accountId,
      HubAccountId: spoke.trustsHubAccountId,
      HubOrganizationId: spoke.trustsOrganizationId,
      StopAllStateMachine: stopAll,
      'StopAllStateMachine.Name': SPOKE_STOP_ALL_NAME,
    });
  }

  /** STS AssumeRole: the request's fields validated, the caller's policy and the role's trust evaluated. */
  assumeRole(accessKeyId: string, form: Record<string, string>, now = Date.now()) {
    const { caller } = this.callerOf(accessKeyId, now);
    const roleArn = form.RoleArn ?? '';
    const sessionName = form.RoleSessionName ?? '';
    const duration = form.DurationSeconds === undefined ? 3600 : Number(form.DurationSeconds);
    const match = ROLE_ARN.exec(roleArn);
    if (!match)
      throw new ServiceFault(
        'ValidationError',
        `RoleArn "${roleArn.slice(0, 120)}" is not a role ARN; expected arn:aws:iam::<account>:role/<name>.`,
      );
    if (!SESSION_NAME.test(sessionName))
      throw new ServiceFault('ValidationError', 'RoleSessionName must be 2 to 64 characters of letters, digits and +=,.@_-.');
    if (!Number.isInteger(duration) || duration < 900 || duration > MAX_SESSION_SECONDS)
      throw new ServiceFault('ValidationError', `DurationSeconds is ${form.DurationSeconds}; expected 900 to ${MAX_SESSION_SECONDS}.`);
    const [, accountId, roleName] = match as unknown as [string, string, string];
    const request = { action: 'sts:AssumeRole', resource: roleArn, caller, resourceOrganizationId: this.organizationOf(accountId) };
    const refused = denied(caller.principalArn, 'sts:AssumeRole', roleArn);
    if (caller === this.hubCaller && !allows(this.hubPermissions, request)) throw refused;
    const spoke = this.spokes().find((candidate) => candidate.accountId === accountId && this.spokeRole(candidate).roleName === roleName);
    if (!spoke) throw refused;
    const role = this.spokeRole(spoke);
    if (!allows(role.trust, request, true)) throw refused;
    const key = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const expiresAt = now + duration * 1000;
    const principalArn = `arn:aws:iam::${accountId}:role/${roleName}`;
    const sessionArn = `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
    this.sessions.set(key, { accountId, region: spoke.region, principalArn, sessionArn, permissions: role.permissions, expiresAt });
    return {
      Credentials: {
        AccessKeyId: key,
        SecretAccessKey: randomBytes(20).toString('base64'),
        SessionToken: randomBytes(32).toString('base64'),
        Expiration: new Date(expiresAt).toISOString(),
      },
      AssumedRoleUser: { AssumedRoleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}:${sessionName}`, Arn: sessionArn },
    };
  }

  /** A session's call of Step Functions: allowed by the spoke role's permissions, or AccessDeniedException as Step Functions says it. */
  authorize(session: Session, action: string, resource: string): void {
    if (
      allows(session.permissions, {
        action,
        resource,
        caller: { accountId: session.accountId, principalArn: session.principalArn, organizationId: '' },
      })
    )
      return;
    throw new ServiceFault(
      'AccessDeniedException',
      `User: ${session.sessionArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    );
  }
}

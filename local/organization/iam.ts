/**
 * IAM as far as a local organization needs it: the policies template.yaml deploys (the spoke role's
 * trust and permissions, the hub role's permission to assume), read from the template with its
 * intrinsics filled in for one account and region, and evaluated for a request. Only what those
 * policies use is understood - Allow statements, Action/Resource globs, an AWS principal, the
 * StringEquals, StringLike and ArnLike conditions - and anything else allows nothing (fail closed).
 */
import { NamedError } from '#commons/errors.js';
import { matchesGlob } from '#commons/glob.js';
import { readTemplate, type Json, type Template } from '#local/template.js';

export interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: { AWS?: string | string[] } | string;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** Who asks: an account, a principal ARN (a role's ARN for its sessions) and the caller's organization. */
export interface Caller {
  accountId: string;
  principalArn: string;
  organizationId: string;
}

export interface AccessRequest {
  action: string;
  resource: string;
  caller: Caller;
  /** The organization of the account that owns the resource (aws:ResourceOrgID). */
  resourceOrganizationId?: string;
}

/** An intrinsic that names a value the local organization does not give: the template changed. */
export class PolicyValueMissing extends NamedError {
  constructor(name: string) {
    super(
      'PolicyValueMissing',
      `A policy of template.yaml uses ${name}, which the local organization gives no value; expected it among the values passed.`,
    );
  }
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function sub(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z0-9:.]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new PolicyValueMissing(`\${${name}}`);
    return value;
  });
}

/** Fills `Ref`, `Fn::Sub` (both forms) and `Fn::GetAtt` from `values` (`Name` or `LogicalId.Attribute`). */
export function resolveIntrinsics(value: Json, values: Record<string, string>): Json {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, values));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const argument = value[key] as Json;
    if (key === 'Ref' && typeof argument === 'string') {
      const found = values[argument];
      if (found === undefined) throw new PolicyValueMissing(`Ref ${argument}`);
      return found;
    }
    if (key === 'Fn::GetAtt' && Array.isArray(argument)) {
      const name = argument.join('.');
      const found = values[name];
      if (found === undefined) throw new PolicyValueMissing(`GetAtt ${name}`);
      return found;
    }
    if (key === 'Fn::Sub' && typeof argument === 'string') return sub(argument, values);
    if (key === 'Fn::Sub' && Array.isArray(argument) && typeof argument[0] === 'string' && isObject(argument[1])) {
      const own = Object.fromEntries(Object.entries(argument[1]).map(([name, item]) => [name, String(resolveIntrinsics(item, values))]));
      return sub(argument[0], { ...values, ...own });
    }
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveIntrinsics(item, values)]));
}

/** A role's trust policy and its inline policies' statements, as template.yaml deploys them with `values`. */
export function templateRole(
  logicalId: string,
  values: Record<string, string>,
  template: Template = readTemplate(),
): { roleName: string; trust: PolicyStatement[]; permissions: PolicyStatement[] } {
  const properties = template.Resources[logicalId]?.Properties;
  if (!properties) throw new PolicyValueMissing(`the resource ${logicalId}`);
  const { RoleName, AssumeRolePolicyDocument, Policies } = properties;
  const resolved = resolveIntrinsics({ RoleName, AssumeRolePolicyDocument, Policies: Policies ?? [] } as Json, values) as unknown as {
    RoleName: string;
    AssumeRolePolicyDocument: { Statement: PolicyStatement[] };
    Policies?: Array<{ PolicyDocument: { Statement: PolicyStatement[] } }>;
  };
  return {
    roleName: resolved.RoleName,
    trust: resolved.AssumeRolePolicyDocument.Statement,
    permissions: (resolved.Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement),
  };
}

const listOf = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function principalMatches(principal: PolicyStatement['Principal'], caller: Caller): boolean {
  if (principal === undefined) return true;
  if (principal === '*') return true;
  if (typeof principal === 'string') return false;
  return listOf(principal.AWS).some((arn) => arn === '*' || arn === caller.principalArn || arn.endsWith(`::${caller.accountId}:root`));
}

function conditionKey(key: string, request: AccessRequest): string | undefined {
  if (key === 'aws:PrincipalOrgID') return request.caller.organizationId;
  if (key === 'aws:PrincipalArn') return request.caller.principalArn;
  if (key === 'aws:PrincipalAccount') return request.caller.accountId;
  if (key === 'aws:ResourceOrgID') return request.resourceOrganizationId;
  return undefined;
}

function conditionsHold(conditions: PolicyStatement['Condition'], request: AccessRequest): boolean {
  for (const [operator, tests] of Object.entries(conditions ?? {})) {
    for (const [key, expected] of Object.entries(tests)) {
      const actual = conditionKey(key, request);
      if (actual === undefined) return false;
      const candidates = listOf(expected);
      if (operator === 'StringEquals' && !candidates.includes(actual)) return false;
      if ((operator === 'StringLike' || operator === 'ArnLike') && !candidates.some((glob) => matchesGlob(glob, actual))) return false;
      if (!['StringEquals', 'StringLike', 'ArnLike'].includes(operator)) return false;
    }
  }
  return true;
}

/** Whether some statement allows the request (no statement here denies: the template has none). */
export function allows(statements: readonly PolicyStatement[], request: AccessRequest, checkPrincipal = false): boolean {
  return statements.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      listOf(statement.Action).some((action) => matchesGlob(action, request.action)) &&
      (statement.Resource === undefined || listOf(statement.Resource).some((resource) => matchesGlob(resource, request.resource))) &&
      (!checkPrincipal || principalMatches(statement.Principal, request.caller)) &&
      conditionsHold(statement.Condition, request),
  );
}

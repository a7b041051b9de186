/**
 * A walker over every IAM policy statement a template declares, and the
 * least-privilege rules the template tests hold it to. Each rule is a pure
 * function returning readable findings (empty = fine), so a test can run it
 * on template.yaml and on small hostile fixtures alike.
 */
import {
  getAttTarget,
  ifBranches,
  isNoValue,
  isObject,
  placeholdersOf,
  refTarget,
  subOf,
  type Json,
  type JsonObject,
  type Template,
} from './template.js';

export interface PolicyTemplates {
  Templates: Record<string, { Definition: JsonObject; Parameters?: Record<string, unknown> }>;
}

export interface FoundStatement {
  /** Logical id of the resource that carries the policy (function, state machine, role, queue policy, ...). */
  owner: string;
  /** Where in that resource, e.g. `Policies[2] LambdaInvokePolicy` or `Policies[0] Fn::If[true] Statement[0]`. */
  where: string;
  statement: JsonObject;
}

export interface PolicyWalk {
  statements: FoundStatement[];
  /** Managed policies attached by name or ARN: their statements cannot be read from the template. */
  managedPolicies: { owner: string; where: string; policy: Json }[];
  /** Policy entries the walker could not read (an unknown SAM policy template, a missing template parameter, ...). */
  unreadable: { owner: string; where: string; reason: string }[];
}

/** Services whose statements must name their resources (no `*`). */
export const SCOPED_SERVICES = ['sagemaker', 'sqs', 'events', 'lambda', 'states'] as const;

/**
 * The only actions allowed on `Resource: '*'`, each with the reason.
 * Step Functions' (and other vended) log delivery goes through the CloudWatch
 * Logs delivery APIs, which have no resource-level permissions: AWS documents
 * `Resource: '*'` for them in "Logging Step Functions using CloudWatch Logs".
 * ListPipelines has none either (it lists names; stop-all matches them
 * against PipelineNamePattern before it lists or stops any execution).
 */
export const RESOURCE_STAR_ALLOWED: Record<string, string> = Object.fromEntries([
  ...[
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ].map((action) => [action, 'CloudWatch Logs vended-log delivery: no resource-level permissions (AWS documents Resource "*")']),
  [
    'sagemaker:ListPipelines',
    'no resource-level permissions (AWS documents Resource "*"); reads pipeline names only, matched against PipelineNamePattern before any execution is listed',
  ],
  [
    'states:SendTaskSuccess',
    'no resource-level permissions (AWS documents Resource "*"); answers only the task tokens this stack keeps under waits/ in its own bucket',
  ],
  ...['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'].map((action) => [
    action,
    'X-Ray tracing of the state machines (TracingEnabled only): no resource-level permissions (AWS documents Resource "*")',
  ]),
]);

/**
 * Managed policies that may be attached, each with the reason. Matched on the
 * policy name at the end of a name or ARN (plain string or Fn::Sub text).
 */
export const MANAGED_POLICIES_ALLOWED: Record<string, string> = {
  'service-role/AWSLambdaBasicExecutionRole':
    'logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents only: what SAM attaches to every function role it makes',
};

/** Whether a managed policy entry is one of MANAGED_POLICIES_ALLOWED. */
export function isAllowedManagedPolicy(policy: Json): boolean {
  const text = typeof policy === 'string' ? policy : subOf(policy)?.text;
  if (text === undefined) return false;
  return Object.keys(MANAGED_POLICIES_ALLOWED).some(
    (name) => text === name || text === name.split('/').pop() || text.endsWith(`:policy/${name}`),
  );
}

/**
 * Managed policies SAM attaches on its own for pull event sources when it
 * generates the function's role (samtranslator/model/eventsources/pull.py):
 * they are not written in the template but grant on `Resource: '*'`.
 */
export const SAM_IMPLICIT_EVENT_POLICIES: Record<string, string> = {
  SQS: 'service-role/AWSLambdaSQSQueueExecutionRole (sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes on Resource "*")',
  Kinesis: 'service-role/AWSLambdaKinesisExecutionRole (kinesis:* reads on Resource "*")',
  DynamoDB: 'service-role/AWSLambdaDynamoDBExecutionRole (dynamodb stream reads on Resource "*")',
  MSK: 'service-role/AWSLambdaMSKExecutionRole (kafka and ec2 actions on Resource "*")',
};

const SAM_TYPES_WITH_POLICIES = ['AWS::Serverless::Function', 'AWS::Serverless::StateMachine'];

/** Leaves of a value, expanding `Fn::If` into both branches and dropping `AWS::NoValue`. */
export function leaves(value: unknown): Json[] {
  const branches = ifBranches(value);
  if (branches) return [...leaves(branches[0]), ...leaves(branches[1])];
  if (isNoValue(value) || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item) => leaves(item));
  return [value as Json];
}

/** Replaces `{Ref: <parameter>}` of a SAM policy template by the value given for that parameter. */
function instantiate(definition: Json, values: JsonObject): Json {
  if (Array.isArray(definition)) return definition.map((item) => instantiate(item, values));
  if (!isObject(definition)) return definition;
  const ref = refTarget(definition);
  if (ref !== undefined && ref in values) return values[ref] as Json;
  return Object.fromEntries(Object.entries(definition).map(([key, value]) => [key, instantiate(value, values)]));
}

function statementsOfDocument(document: unknown, owner: string, where: string, walk: PolicyWalk): void {
  if (!isObject(document) || !('Statement' in document)) {
    walk.unreadable.push({ owner, where, reason: 'policy document without Statement' });
    return;
  }
  const raw = document.Statement;
  const list = Array.isArray(raw) ? raw : [raw];
  list.forEach((item, index) => {
    const branches = ifBranches(item);
    const candidates = branches ? [branches[0], branches[1]] : [item];
    candidates.forEach((candidate, branch) => {
      if (isNoValue(candidate)) return;
      const suffix = branches ? ` Fn::If[${branch === 0 ? 'true' : 'false'}]` : '';
      if (!isObject(candidate)) {
        walk.unreadable.push({ owner, where: `${where} Statement[${index}]${suffix}`, reason: 'statement is not an object' });
        return;
      }
      walk.statements.push({ owner, where: `${where} Statement[${index}]${suffix}`, statement: candidate });
    });
  });
}

/** One entry of a SAM `Policies` list: managed policy name/ARN, inline document, policy template, or `Fn::If` of those. */
function samPolicyEntry(entry: unknown, owner: string, where: string, walk: PolicyWalk, templates: PolicyTemplates): void {
  const branches = ifBranches(entry);
  if (branches) {
    samPolicyEntry(branches[0], owner, `${where} Fn::If[true]`, walk, templates);
    samPolicyEntry(branches[1], owner, `${where} Fn::If[false]`, walk, templates);
    return;
  }
  if (isNoValue(entry)) return;
  if (typeof entry === 'string' || refTarget(entry) !== undefined || subOf(entry) !== undefined) {
    walk.managedPolicies.push({ owner, where, policy: entry as Json });
    return;
  }
  if (!isObject(entry)) {
    walk.unreadable.push({ owner, where, reason: `unexpected policy entry ${JSON.stringify(entry)}` });
    return;
  }
  if ('Statement' in entry) {
    statementsOfDocument(entry, owner, where, walk);
    return;
  }
  const names = Object.keys(entry);
  const name = names[0];
  if (names.length !== 1 || name === undefined) {
    walk.unreadable.push({
      owner,
      where,
      reason: `policy entry with keys ${names.join(', ')} is neither a document nor one policy template`,
    });
    return;
  }
  const policyTemplate = templates.Templates[name];
  if (!policyTemplate) {
    walk.unreadable.push({ owner, where, reason: `${name} is not a SAM policy template` });
    return;
  }
  const values = entry[name];
  const given = isObject(values) ? values : {};
  const missing = Object.keys(policyTemplate.Parameters ?? {}).filter((parameter) => !(parameter in given));
  if (missing.length > 0) {
    walk.unreadable.push({ owner, where: `${where} ${name}`, reason: `policy template parameters missing: ${missing.join(', ')}` });
    return;
  }
  statementsOfDocument(instantiate(policyTemplate.Definition, given), owner, `${where} ${name}`, walk);
}

/** Every policy statement of the template: SAM `Policies` (with `Fn::If` branches and policy templates) and CloudFormation policy resources. */
export function walkPolicies(template: Template, templates: PolicyTemplates): PolicyWalk {
  const walk: PolicyWalk = { statements: [], managedPolicies: [], unreadable: [] };
  for (const [owner, resource] of Object.entries(template.Resources)) {
    const properties = resource.Properties ?? {};
    if (SAM_TYPES_WITH_POLICIES.includes(resource.Type)) {
      const policies = properties.Policies;
      const list = Array.isArray(policies) ? policies : policies === undefined ? [] : [policies];
      list.forEach((entry, index) => samPolicyEntry(entry, owner, `Policies[${index}]`, walk, templates));
      if (resource.Type === 'AWS::Serverless::Function' && properties.Role === undefined) {
        for (const [eventId, event] of Object.entries(isObject(properties.Events) ? properties.Events : {})) {
          const type = isObject(event) && typeof event.Type === 'string' ? event.Type : '';
          const implicit = SAM_IMPLICIT_EVENT_POLICIES[type];
          if (implicit) walk.managedPolicies.push({ owner, where: `Events.${eventId} (${type}, added by SAM)`, policy: implicit });
        }
      }
      continue;
    }
    if (resource.Type.startsWith('AWS::Serverless::')) continue;
    // CloudFormation resources: identity policies (IAM), resource policies (SQS, SNS, S3, ...), trust policies.
    if (properties.PolicyDocument !== undefined) statementsOfDocument(properties.PolicyDocument, owner, 'PolicyDocument', walk);
    if (properties.AssumeRolePolicyDocument !== undefined) {
      statementsOfDocument(properties.AssumeRolePolicyDocument, owner, 'AssumeRolePolicyDocument', walk);
    }
    if (resource.Type === 'AWS::IAM::Role' || resource.Type === 'AWS::IAM::User' || resource.Type === 'AWS::IAM::Group') {
      leaves(properties.Policies).forEach((policy, index) => {
        const document = isObject(policy) ? policy.PolicyDocument : undefined;
        statementsOfDocument(document, owner, `Policies[${index}].PolicyDocument`, walk);
      });
      leaves(properties.ManagedPolicyArns).forEach((policy, index) =>
        walk.managedPolicies.push({ owner, where: `ManagedPolicyArns[${index}]`, policy }),
      );
    }
  }
  return walk;
}

const describe = (found: FoundStatement): string =>
  `${found.owner} ${found.where}${typeof found.statement.Sid === 'string' ? ` (${found.statement.Sid})` : ''}`;

function isAllow(statement: JsonObject): boolean {
  return leaves(statement.Effect).every((effect) => effect === 'Allow');
}

/** The action names of a statement (strings; intrinsic actions are reported as-is). */
export function actionsOf(statement: JsonObject): Json[] {
  return leaves(statement.Action);
}

function serviceOf(action: Json): string | undefined {
  return typeof action === 'string' && action.includes(':') ? action.slice(0, action.indexOf(':')).toLowerCase() : undefined;
}

/** Rule: no Allow statement has the action `*` or `service:*`, nor an Allow with NotAction. */
export function wildcardActionFindings(statements: FoundStatement[]): string[] {
  const findings: string[] = [];
  for (const found of statements) {
    if (!isAllow(found.statement)) continue;
    if (found.statement.NotAction !== undefined) findings.push(`${describe(found)}: Allow with NotAction grants everything else`);
    for (const action of actionsOf(found.statement)) {
      if (typeof action !== 'string') findings.push(`${describe(found)}: action ${JSON.stringify(action)} is not a literal`);
      else if (action === '*' || /^[a-z0-9-]+:\*$/i.test(action)) findings.push(`${describe(found)}: action "${action}"`);
    }
  }
  return findings;
}

/** The service an ARN-valued resource belongs to, when the template says so; undefined = cannot tell. */
function resourceService(resource: Json, template: Template): string | undefined {
  const sub = subOf(resource);
  if (sub) return /^arn:[^:]*:([^:]+):/.exec(sub.text)?.[1];
  if (typeof resource === 'string') return /^arn:[^:]*:([^:]+):/.exec(resource)?.[1];
  const target = getAttTarget(resource)?.[0] ?? refTarget(resource);
  const type = target === undefined ? undefined : template.Resources[target]?.Type;
  if (type === undefined) return undefined;
  const byType: Record<string, string> = {
    'AWS::Serverless::Function': 'lambda',
    'AWS::Lambda::Function': 'lambda',
    'AWS::Serverless::StateMachine': 'states',
    'AWS::StepFunctions::StateMachine': 'states',
    'AWS::SQS::Queue': 'sqs',
    'AWS::Events::EventBus': 'events',
    'AWS::Events::Rule': 'events',
    'AWS::Logs::LogGroup': 'logs',
  };
  return byType[type];
}

/** Why a resource entry of a scoped-service statement is not scoped; undefined = scoped. */
function unscopedReason(resource: Json, template: Template): string | undefined {
  if (resource === '*') return 'Resource "*"';
  if (typeof resource === 'string') return `literal ARN "${resource}" (use Fn::Sub with \${AWS::Partition}, Ref or GetAtt)`;
  if (getAttTarget(resource)) {
    const [target] = getAttTarget(resource) ?? [''];
    return template.Resources[target] ? undefined : `GetAtt of unknown resource ${target}`;
  }
  const ref = refTarget(resource);
  if (ref !== undefined) {
    return template.Resources[ref] || template.Parameters?.[ref] ? undefined : `Ref to ${ref}, which is neither a resource nor a parameter`;
  }
  const sub = subOf(resource);
  if (sub) {
    if (!sub.text.startsWith('arn:')) return `Fn::Sub "${sub.text}" is not an ARN`;
    if (!sub.text.startsWith('arn:${AWS::Partition}:')) return `Fn::Sub "${sub.text}" hard-codes the partition (use \${AWS::Partition})`;
    // Literal variables are substituted; other placeholders become colon-free tokens so the ARN splits into its fields.
    const shown = sub.text.replace(/\$\{(?!!)([^}]+)\}/g, (match, name: string) => {
      const variable = sub.variables[name];
      return typeof variable === 'string' || typeof variable === 'number' ? String(variable) : match;
    });
    const parts = shown.replace(/\$\{([^}]+)\}/g, (_match, name: string) => `<${name.replace(/:/g, '-')}>`).split(':');
    const resourcePart = parts.slice(5).join(':');
    if (parts.length < 6 || /^([A-Za-z-]+[:/])?\*+$/.test(resourcePart) || resourcePart === '')
      return `Fn::Sub "${shown}" names every resource of the service`;
    if (parts[3] === '*' || parts[4] === '*') return `Fn::Sub "${shown}" spans every region or account`;
    return undefined;
  }
  return `${JSON.stringify(resource)} cannot be read as a scoped ARN (use Fn::Sub, Ref or GetAtt)`;
}

/**
 * Rule: statements on SageMaker, SQS, EventBridge, Lambda and Step Functions
 * name their resources (Fn::Sub with ${AWS::Partition}, Ref or GetAtt, never
 * `*`), and name at least one resource of each such service they act on; and
 * `Resource: '*'` appears only with actions of RESOURCE_STAR_ALLOWED.
 */
export function unscopedResourceFindings(statements: FoundStatement[], template: Template): string[] {
  const findings: string[] = [];
  for (const found of statements) {
    if (!isAllow(found.statement)) continue;
    if (found.statement.NotResource !== undefined) findings.push(`${describe(found)}: Allow with NotResource grants everything else`);
    const actions = actionsOf(found.statement);
    const resources = leaves(found.statement.Resource);
    const scopedServices = [...new Set(actions.map(serviceOf))].filter((service): service is string =>
      (SCOPED_SERVICES as readonly string[]).includes(service ?? ''),
    );
    if (resources.includes('*')) {
      const notAllowed = actions.filter((action) => typeof action !== 'string' || !(action in RESOURCE_STAR_ALLOWED));
      if (notAllowed.length > 0)
        findings.push(`${describe(found)}: Resource "*" for ${notAllowed.map((action) => JSON.stringify(action)).join(', ')}`);
    }
    if (scopedServices.length === 0) continue;
    for (const resource of resources) {
      const reason = unscopedReason(resource, template);
      if (reason !== undefined && resource !== '*') findings.push(`${describe(found)}: ${reason}`);
    }
    const services = resources.map((resource) => resourceService(resource, template));
    for (const service of scopedServices) {
      if (!services.some((resourceOf) => resourceOf === undefined || resourceOf === service)) {
        findings.push(`${describe(found)}: ${service} actions but no ${service} resource (resources are ${services.join(', ')})`);
      }
    }
  }
  return findings;
}

/** The logical ids a statement's resources point at (through Ref, GetAtt, or Fn::Sub placeholders and variables). */
export function resourceTargets(statement: JsonObject, template: Template): { targets: string[]; unresolved: Json[] } {
  const targets: string[] = [];
  const unresolved: Json[] = [];
  for (const resource of leaves(statement.Resource)) {
    const ids: string[] = [];
    const att = getAttTarget(resource);
    const ref = refTarget(resource);
    const sub = subOf(resource);
    if (att) ids.push(att[0]);
    else if (ref !== undefined) ids.push(ref);
    else if (sub) {
      for (const name of placeholdersOf(sub.text)) {
        const variable = sub.variables[name];
        if (variable !== undefined) {
          const inner = getAttTarget(variable)?.[0] ?? refTarget(variable);
          if (inner !== undefined) ids.push(inner);
        } else {
          ids.push(name.split('.')[0] ?? name);
        }
      }
    }
    const ours = ids.filter((id) => template.Resources[id] !== undefined);
    if (ours.length === 0) unresolved.push(resource);
    targets.push(...ours);
  }
  return { targets, unresolved };
}

const LAMBDA_FUNCTION_TYPES = ['AWS::Serverless::Function', 'AWS::Lambda::Function'];

/**
 * Rule: a state machine may invoke only functions of this template. Given the
 * logical id that carries its policies (the state machine itself, or the
 * AWS::IAM::Role it uses), returns the functions it may invoke and findings for anything else
 * (an unresolved resource, a non-function target, a wildcard invoke).
 */
export function invokeGrants(roleOwner: string, walk: PolicyWalk, template: Template): { functions: string[]; findings: string[] } {
  const functions = new Set<string>();
  const findings: string[] = [];
  for (const found of walk.statements.filter((candidate) => candidate.owner === roleOwner && isAllow(candidate.statement))) {
    const invokes = actionsOf(found.statement).filter((action) => typeof action === 'string' && /^lambda:Invoke/i.test(action));
    if (invokes.length === 0) continue;
    const { targets, unresolved } = resourceTargets(found.statement, template);
    for (const resource of unresolved)
      findings.push(`${describe(found)}: invokes ${JSON.stringify(resource)}, not a function of this template`);
    for (const target of targets) {
      const type = template.Resources[target]?.Type ?? '';
      if (LAMBDA_FUNCTION_TYPES.includes(type)) functions.add(target);
      else findings.push(`${describe(found)}: invoke target ${target} is a ${type}, not a function`);
    }
  }
  for (const managed of walk.managedPolicies.filter((candidate) => candidate.owner === roleOwner)) {
    findings.push(`${roleOwner} ${managed.where}: managed policy ${JSON.stringify(managed.policy)} may grant more invokes`);
  }
  return { functions: [...functions].sort(), findings };
}

import { beforeAll, describe, expect, it } from 'vitest';
import {
  invokeGrants,
  isAllowedManagedPolicy,
  RESOURCE_STAR_ALLOWED,
  unscopedResourceFindings,
  walkPolicies,
  wildcardActionFindings,
  type PolicyTemplates,
  type PolicyWalk,
} from '#test/support/iam-policies.js';
import {
  getAttTarget,
  isObject,
  loadTemplate,
  parseTemplate,
  readVendoredSchema,
  refTarget,
  resourcesOfType,
  type Template,
} from '#test/support/template.js';

/** Functions a state machine's definition names through DefinitionSubstitutions. */
function functionsNamedBy(template: Template, stateMachineId: string): string[] {
  const substitutions = template.Resources[stateMachineId]?.Properties?.DefinitionSubstitutions;
  return Object.values(isObject(substitutions) ? substitutions : {})
    .map((value) => getAttTarget(value)?.[0] ?? refTarget(value))
    .filter(
      (id): id is string =>
        id !== undefined && ['AWS::Serverless::Function', 'AWS::Lambda::Function'].includes(template.Resources[id]?.Type ?? ''),
    )
    .sort();
}

/** The logical id whose policies a SAM resource runs with: its own (SAM-made role) or the template role it names. */
function roleOwner(template: Template, logicalId: string): string | undefined {
  const role = template.Resources[logicalId]?.Properties?.Role;
  if (role === undefined) return logicalId;
  const target = getAttTarget(role);
  return target && target[1] === 'Arn' && template.Resources[target[0]]?.Type === 'AWS::IAM::Role' ? target[0] : undefined;
}

/** A small template with one policy of each hostile shape, to prove the walker sees them. */
const HOSTILE = `
Conditions:
  On: !Equals [a, a]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - AmazonSageMakerFullAccess
        - !If
          - On
          - Statement:
              - Effect: Allow
                Action: sqs:*
                Resource: !GetAtt Queue.Arn
          - !Ref AWS::NoValue
        - Statement:
            - Effect: Allow
              Action: [sagemaker:StopPipelineExecution]
              Resource: '*'
            - Effect: Allow
              Action: events:PutEvents
              Resource: arn:aws:events:us-east-1:123456789012:event-bus/default
            - Effect: Allow
              Action: cloudwatch:PutMetricData
              Resource: '*'
        - LambdaInvokePolicy:
            FunctionName: '*'
        - NoSuchPolicyTemplate: {}
      Events:
        Callbacks:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
  Queue:
    Type: AWS::SQS::Queue
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Policies:
        - LambdaInvokePolicy:
            FunctionName: !Ref Fn
        - Statement:
            - Effect: Allow
              Action: lambda:InvokeFunction
              Resource: !Sub arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:*
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
      Policies:
        - PolicyName: all
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: '*'
                Resource: '*'
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
`;

describe('IAM policy walker', () => {
  let templates: PolicyTemplates;
  let hostile: Template;
  let walk: PolicyWalk;

  beforeAll(() => {
    templates = readVendoredSchema('policy_templates.json') as PolicyTemplates;
    hostile = parseTemplate(HOSTILE);
    walk = walkPolicies(hostile, templates);
  });

  it('reads inline documents, both Fn::If branches, SAM policy templates and CloudFormation policy resources', () => {
    // Prepare
    const where = walk.statements.map((found) => `${found.owner} ${found.where}`);
    // Act
    const invoke = walk.statements.find((found) => found.owner === 'Machine' && found.where.includes('LambdaInvokePolicy'));
    // Assess
    expect(where).toEqual([
      'Fn Policies[1] Fn::If[true] Statement[0]',
      'Fn Policies[2] Statement[0]',
      'Fn Policies[2] Statement[1]',
      'Fn Policies[2] Statement[2]',
      'Fn Policies[3] LambdaInvokePolicy Statement[0]',
      'Machine Policies[0] LambdaInvokePolicy Statement[0]',
      'Machine Policies[1] Statement[0]',
      'Role AssumeRolePolicyDocument Statement[0]',
      'Role Policies[0].PolicyDocument Statement[0]',
      'QueuePolicy PolicyDocument Statement[0]',
    ]);
    expect(invoke?.statement.Resource).toEqual({
      'Fn::Sub': [
        'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}*',
        { functionName: { Ref: 'Fn' } },
      ],
    });
  });

  it('lists managed policies, SAM-added event policies and unreadable entries', () => {
    // Prepare
    const managed = walk.managedPolicies.map((found) => `${found.owner} ${found.where}`);
    // Act
    const unreadable = walk.unreadable.map((found) => `${found.owner} ${found.where}: ${found.reason}`);
    // Assess
    expect(managed).toEqual(['Fn Policies[0]', 'Fn Events.Callbacks (SQS, added by SAM)', 'Role ManagedPolicyArns[0]']);
    expect(unreadable).toEqual(['Fn Policies[4]: NoSuchPolicyTemplate is not a SAM policy template']);
  });

  it('accepts only allow-listed managed policies, by name or ARN', () => {
    // Prepare
    const candidates = [
      'AWSLambdaBasicExecutionRole',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
      'AmazonSageMakerFullAccess',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole',
      'arn:aws:iam::123456789012:policy/NotAWSLambdaBasicExecutionRole',
    ];
    // Act
    const allowed = candidates.map((policy) => isAllowedManagedPolicy(policy));
    // Assess
    expect(allowed).toEqual([true, true, true, false, false, false]);
  });

  it('flags * and service:* actions', () => {
    // Prepare
    const statements = walk.statements;
    // Act
    const findings = wildcardActionFindings(statements);
    // Assess
    expect(findings).toEqual([
      'Fn Policies[1] Fn::If[true] Statement[0]: action "sqs:*"',
      'Role Policies[0].PolicyDocument Statement[0]: action "*"',
    ]);
  });

  it('flags unscoped resources, hard-coded partitions and Resource * outside the allow-list', () => {
    // Prepare
    const statements = walk.statements;
    // Act
    const findings = unscopedResourceFindings(statements, hostile);
    // Assess
    expect(findings).toEqual([
      'Fn Policies[2] Statement[0]: Resource "*" for "sagemaker:StopPipelineExecution"',
      'Fn Policies[2] Statement[1]: literal ARN "arn:aws:events:us-east-1:123456789012:event-bus/default" (use Fn::Sub with ${AWS::Partition}, Ref or GetAtt)',
      'Fn Policies[2] Statement[2]: Resource "*" for "cloudwatch:PutMetricData"',
      'Fn Policies[3] LambdaInvokePolicy Statement[0]: Fn::Sub "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:**" names every resource of the service',
      'Machine Policies[1] Statement[0]: Fn::Sub "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:*" names every resource of the service',
      'Role Policies[0].PolicyDocument Statement[0]: Resource "*" for "*"',
    ]);
  });

  it("flags a state machine invoke that is not one of the template's functions", () => {
    // Prepare
    const owner = 'Machine';
    // Act
    const grants = invokeGrants(owner, walk, hostile);
    // Assess
    expect(grants.functions).toEqual(['Fn']);
    expect(grants.findings).toEqual([
      'Machine Policies[1] Statement[0]: invokes {"Fn::Sub":"arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:*"}, not a function of this template',
    ]);
  });
});

describe('least privilege in template.yaml', () => {
  let template: Template;
  let walk: PolicyWalk;

  beforeAll(() => {
    template = loadTemplate();
    walk = walkPolicies(template, readVendoredSchema('policy_templates.json') as PolicyTemplates);
  });

  it('reads every policy entry of the template', () => {
    // Prepare
    const withPolicies = resourcesOfType(template, 'AWS::Serverless::Function', 'AWS::Serverless::StateMachine').filter(
      ([, resource]) => resource.Properties?.Policies !== undefined,
    );
    // Act
    const owners = new Set(walk.statements.map((found) => found.owner));
    // Assess
    expect(walk.unreadable).toEqual([]);
    expect(withPolicies.length).toBeGreaterThan(0);
    expect(withPolicies.filter(([logicalId]) => !owners.has(logicalId)).map(([logicalId]) => logicalId)).toEqual([]);
  });

  it('attaches no managed policy beyond the allow-list, written or added by SAM for an event source (their statements cannot be checked here)', () => {
    // Prepare
    const managed = walk.managedPolicies.filter((found) => !isAllowedManagedPolicy(found.policy));
    // Act
    const described = managed.map((found) => `${found.owner} ${found.where}: ${JSON.stringify(found.policy)}`);
    // Assess
    expect(
      described,
      'give the function a template AWS::IAM::Role (Role: !GetAtt X.Arn) with statements scoped to the queue instead',
    ).toEqual([]);
  });

  it('runs every function and state machine with a role this template writes', () => {
    // Prepare
    const resources = resourcesOfType(template, 'AWS::Serverless::Function', 'AWS::Serverless::StateMachine');
    // Act
    const external = resources.filter(([logicalId]) => roleOwner(template, logicalId) === undefined).map(([logicalId]) => logicalId);
    // Assess
    expect(external).toEqual([]);
  });

  it('grants no * or service:* action', () => {
    // Prepare
    const statements = walk.statements;
    // Act
    const findings = wildcardActionFindings(statements);
    // Assess
    expect(statements.length).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });

  it('scopes SageMaker, SQS, EventBridge, Lambda and Step Functions statements to named resources, and allows Resource * only for log delivery', () => {
    // Prepare
    const statements = walk.statements;
    // Act
    const findings = unscopedResourceFindings(statements, template);
    // Assess
    expect(findings).toEqual([]);
    expect(Object.keys(RESOURCE_STAR_ALLOWED).filter((action) => !action.startsWith('logs:') && !action.startsWith('xray:'))).toEqual([
      'sagemaker:ListPipelines',
      'states:SendTaskSuccess',
    ]);
  });

  it('scopes every SageMaker statement to pipeline executions in the PipelineNamePattern scope (ListPipelineExecutions and ListTags: to the pipelines; ListPipelines: names only)', () => {
    // Prepare
    const sagemaker = walk.statements.filter((found) =>
      [found.statement.Action].flat().some((action) => typeof action === 'string' && action.startsWith('sagemaker:')),
    );
    const pipelineScope = 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:pipeline/${PipelineNamePattern}';
    // Act
    const resources = sagemaker.map((found) => ({
      // ListPipelineExecutions authorizes on the pipeline, not on an execution; alone in its statement, it gets exactly the pipeline scope.
      listsExecutions: JSON.stringify([found.statement.Action].flat()) === JSON.stringify(['sagemaker:ListPipelineExecutions']),
      // ListTags reads a pipeline's own limits: alone in its statement, on exactly the pipelines of the scope.
      readsTags: JSON.stringify([found.statement.Action].flat()) === JSON.stringify(['sagemaker:ListTags']),
      // ListPipelines has no resource-level permissions: alone in its statement, on '*' (RESOURCE_STAR_ALLOWED).
      listsPipelines: JSON.stringify([found.statement.Action].flat()) === JSON.stringify(['sagemaker:ListPipelines']),
      // The jobs behind steps: read and stopped only as jobs pipelines start (named pipelines-...), in this account and region.
      readsJobs: [found.statement.Action]
        .flat()
        .every((action) => typeof action === 'string' && /^sagemaker:(Describe|Stop)\w+Job$/.test(action)),
      resource: JSON.stringify(found.statement.Resource),
    }));
    // Assess
    expect(sagemaker.length).toBeGreaterThan(0);
    expect(resources.filter((found) => found.readsTags).length).toBe(2);
    for (const { listsExecutions, listsPipelines, readsJobs, readsTags, resource } of resources) {
      if (listsPipelines) expect(resource).toBe('"*"');
      else if (readsJobs)
        for (const arn of JSON.parse(resource) as Array<{ 'Fn::Sub': string }>)
          expect(arn['Fn::Sub']).toMatch(
            /^arn:\$\{AWS::Partition\}:sagemaker:\$\{AWS::Region\}:\$\{AWS::AccountId\}:[a-z-]+-job\/pipelines-\*$/,
          );
      else if (listsExecutions || readsTags) expect(resource).toBe(JSON.stringify({ 'Fn::Sub': pipelineScope }));
      else expect(resource).toContain(`${pipelineScope}/execution/`);
    }
  });

  it('lets each state machine invoke only functions of this template, and every function its definition names', () => {
    // Prepare
    const machines = resourcesOfType(template, 'AWS::Serverless::StateMachine');
    // Act
    const results = machines.map(([logicalId]) => ({
      logicalId,
      named: functionsNamedBy(template, logicalId),
      grants: invokeGrants(roleOwner(template, logicalId) ?? logicalId, walk, template),
    }));
    // Assess
    expect(machines.length).toBeGreaterThan(0);
    for (const { logicalId, named, grants } of results) {
      expect(grants.findings, logicalId).toEqual([]);
      expect(grants.functions, `${logicalId} may invoke exactly the functions its definition names`).toEqual(named);
    }
  });

  it('encrypts every SQS queue (SqsManagedSseEnabled or KmsMasterKeyId)', () => {
    // Prepare
    const queues = resourcesOfType(template, 'AWS::SQS::Queue');
    // Act
    const unencrypted = queues
      .filter(([, queue]) => queue.Properties?.SqsManagedSseEnabled !== true && queue.Properties?.KmsMasterKeyId === undefined)
      .map(([logicalId]) => logicalId);
    // Assess
    expect(unencrypted).toEqual([]);
  });

  it('sets a retention on every log group', () => {
    // Prepare
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    // Act
    const forever = groups.filter(([, group]) => group.Properties?.RetentionInDays === undefined).map(([logicalId]) => logicalId);
    // Assess
    expect(groups.length).toBeGreaterThan(0);
    expect(forever).toEqual([]);
  });
});

/**
 * How the graceful stop is started and who hears the result, as template.yaml
 * declares it: the EventBridge trigger and its dead-letter queue, the
 * completion event's bus switch and permission, the IAM a parent workflow
 * needs, and the stop-all state machine with its own function table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { COMPLETED_DETAIL_TYPE, EVENT_SOURCE, REQUESTED_DETAIL_TYPE } from '#graceful-stop/publish-completion-event.logic.js';
import { STOP_ALL_FUNCTIONS } from '#local/engine/stop-all.js';
import {
  getAttTarget,
  isObject,
  loadTemplate,
  placeholdersOf,
  projectRoot,
  refTarget,
  subOf,
  type Json,
  type JsonObject,
} from '#test/support/template.js';

const template = loadTemplate();
const resource = (logicalId: string): JsonObject => {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`template.yaml has no resource ${logicalId}`);
  return found as unknown as JsonObject;
};
const properties = (logicalId: string): JsonObject => (resource(logicalId).Properties ?? {}) as JsonObject;
const statementsOf = (document: Json | undefined): JsonObject[] => {
  const statement = isObject(document) ? document.Statement : undefined;
  return (Array.isArray(statement) ? statement : [statement]).filter(isObject);
};
/** An ASL file, and its definition with the partition resolved (as Step Functions receives it in aws). */
const asl = (file: string): { text: string; definition: Record<string, unknown> } => {
  const text = readFileSync(join(projectRoot, 'statemachine', file), 'utf8');
  return { text, definition: JSON.parse(text.replaceAll('${Partition}', 'aws')) as Record<string, unknown> };
};

/** The rule name the EventBridgeRule event gives (an Fn::Sub with a StackUuid variable). */
function ruleNameText(): string {
  const events = properties('GracefulStopStateMachine').Events as JsonObject;
  const event = (events.GracefulStopRequested as JsonObject).Properties as JsonObject;
  const sub = subOf(event.RuleName);
  if (!sub) throw new Error('RuleName is not an Fn::Sub');
  return sub.text;
}

describe('EventBridge trigger in template.yaml', () => {
  const events = properties('GracefulStopStateMachine').Events as JsonObject;
  const trigger = events.GracefulStopRequested as JsonObject;
  const triggerProperties = trigger.Properties as JsonObject;

  it('starts the graceful-stop state machine on a Graceful Stop Requested event from the project source, on a configurable bus (default: default)', () => {
    // Prepare
    const parameter = template.Parameters?.TriggerEventBusName;
    // Act
    const pattern = triggerProperties.Pattern;
    // Assess
    expect(trigger.Type).toBe('EventBridgeRule');
    expect(pattern).toEqual({ source: [EVENT_SOURCE], 'detail-type': [REQUESTED_DETAIL_TYPE] });
    expect(refTarget(triggerProperties.EventBusName)).toBe('TriggerEventBusName');
    expect(parameter?.Default).toBe('default');
  });

  it('passes only the detail (the input contract) and never matches its own completion events', () => {
    // Prepare
    const detailTypes = (triggerProperties.Pattern as JsonObject)['detail-type'];
    // Act
    const inputPath = triggerProperties.InputPath;
    // Assess
    expect(inputPath).toBe('$.detail');
    expect(detailTypes).not.toContain(COMPLETED_DETAIL_TYPE);
  });

  it('retries delivery for a bounded time and then sends the event to an encrypted dead-letter queue of this template', () => {
    // Prepare
    const retry = triggerProperties.RetryPolicy as JsonObject;
    // Act
    const deadLetter = getAttTarget((triggerProperties.DeadLetterConfig as JsonObject).Arn);
    // Assess
    expect(retry.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(retry.MaximumEventAgeInSeconds).toBeLessThanOrEqual(86_400);
    expect(deadLetter).toEqual(['TriggerDeadLetterQueue', 'Arn']);
    expect(resource('TriggerDeadLetterQueue').Type).toBe('AWS::SQS::Queue');
    expect(properties('TriggerDeadLetterQueue').SqsManagedSseEnabled).toBe(true);
  });

  it('lets only this rule send to the dead-letter queue: one principal, sqs:SendMessage, the rule ARN on either bus', () => {
    // Prepare
    const policy = properties('TriggerDeadLetterQueuePolicy');
    const ruleName = ruleNameText();
    // Act
    const statements = statementsOf(policy.PolicyDocument);
    const sourceArn = ((statements[0]?.Condition as JsonObject).ArnEquals as JsonObject)['aws:SourceArn'];
    const [condition, onDefault, onCustom] = (isObject(sourceArn) ? sourceArn['Fn::If'] : []) as [string, Json, Json];
    // Assess
    expect(policy.Queues).toEqual([{ Ref: 'TriggerDeadLetterQueue' }]);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] },
    });
    expect(condition).toBe('TriggerOnDefaultBus');
    expect(template.Conditions?.TriggerOnDefaultBus).toEqual({ 'Fn::Equals': [{ Ref: 'TriggerEventBusName' }, 'default'] });
    expect(subOf(onDefault)?.text).toBe(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${ruleName}`);
    expect(subOf(onCustom)?.text).toBe(
      `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/\${TriggerEventBusName}/${ruleName}`,
    );
  });

  it('names the rule within the 64-character limit whatever the stack name', () => {
    // Prepare
    const uuidLength = 36;
    // Act
    const length = ruleNameText().replace('${StackUuid}', 'x'.repeat(uuidLength)).length;
    // Assess
    expect(ruleNameText()).not.toContain('AWS::StackName');
    expect(length).toBeLessThanOrEqual(64);
  });
});

describe('completion event in template.yaml', () => {
  it('gives the publisher the bus name and enables it only when CompletionEventBusName is not empty', () => {
    // Prepare
    const environment = (properties('PublishCompletionEventFunction').Environment as JsonObject).Variables as JsonObject;
    // Act
    const condition = template.Conditions?.HasCompletionEventBus;
    // Assess
    expect(refTarget(environment.COMPLETION_EVENT_BUS_NAME)).toBe('CompletionEventBusName');
    expect(template.Parameters?.CompletionEventBusName?.Default).toBe('');
    expect(condition).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'CompletionEventBusName' }, ''] }] });
  });

  it('grants events:PutEvents on that one bus, and nothing when no bus is configured', () => {
    // Prepare
    const policies = properties('PublishCompletionEventFunction').Policies as Json[];
    // Act
    const [condition, whenBus, whenNone] = ((policies[0] as JsonObject)['Fn::If'] ?? []) as [string, Json, Json];
    // Assess
    expect(policies).toHaveLength(1);
    expect(condition).toBe('HasCompletionEventBus');
    expect(statementsOf(whenBus)).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${CompletionEventBusName}' },
      }),
    ]);
    expect(whenNone).toEqual({ Ref: 'AWS::NoValue' });
  });
});

describe('IAM for parent workflows in template.yaml', () => {
  const caller = properties('GracefulStopCallerPolicy');
  const executions = 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${GracefulStopStateMachine.Name}:*';
  const syncRule = 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule';
  const expected = [
    { Action: 'states:StartExecution', Resource: { Ref: 'GracefulStopStateMachine' } },
    { Action: ['states:DescribeExecution', 'states:StopExecution'], Resource: { 'Fn::Sub': executions } },
    { Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], Resource: { 'Fn::Sub': syncRule } },
  ];

  it('is a managed policy that starts only the graceful-stop machine, follows and stops only its executions, and manages the .sync events rule', () => {
    // Prepare
    const statements = statementsOf(caller.PolicyDocument);
    // Act
    const grants = statements.map((statement) => ({ Action: statement.Action, Resource: statement.Resource }));
    // Assess
    expect(resource('GracefulStopCallerPolicy').Type).toBe('AWS::IAM::ManagedPolicy');
    expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
    expect(grants).toEqual(expected);
  });

  it('is an output; the stop-all machine starts no child execution, so it holds no Step Functions or events grant at all', () => {
    // Prepare
    const output = template.Outputs?.GracefulStopCallerPolicyArn;
    const stopAllPolicies = properties('StopAllStateMachine').Policies as JsonObject[];
    // Act
    const stopAllGrants = stopAllPolicies
      .flatMap((policy) => statementsOf(policy))
      .filter((statement) => String([statement.Action].flat()[0]).match(/^(states|events):/));
    // Assess
    expect(refTarget(output?.Value)).toBe('GracefulStopCallerPolicy');
    expect(stopAllGrants).toEqual([]);
  });

  it('matches what statemachine/example-parent.asl.json needs: one startExecution.sync:2 task on ${GracefulStopStateMachineArn}', () => {
    // Prepare
    const { text, definition } = asl('example-parent.asl.json');
    // Act
    const result = aslValidator(structuredClone(definition));
    const resources = [...text.matchAll(/"Resource":\s*"([^"]+)"/g)].map((match) => match[1]);
    // Assess
    expect(result.isValid, result.errorsText('; ')).toBe(true);
    expect([...new Set(placeholdersOf(text))].sort()).toEqual(['GracefulStopStateMachineArn', 'Partition']);
    expect(resources).toEqual(['arn:${Partition}:states:::states:startExecution.sync:2']);
    expect(text).toContain('"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"');
  });
});

describe('stop-all state machine in template.yaml', () => {
  const machine = properties('StopAllStateMachine');

  it('runs statemachine/stop-all.asl.json as a Standard workflow of its own functions: no child state machine, no Map', () => {
    // Prepare
    const substitutions = machine.DefinitionSubstitutions as JsonObject;
    const { text } = asl('stop-all.asl.json');
    // Act
    const resources = [...text.matchAll(/"Resource":\s*"([^"]+)"/g)].map((match) => match[1]);
    // Assess
    expect(machine.DefinitionUri).toBe('statemachine/stop-all.asl.json');
    expect(machine.Type).toBe('STANDARD');
    expect(substitutions.GracefulStopStateMachineArn).toBeUndefined();
    expect(new Set(resources)).toEqual(
      new Set(['arn:${Partition}:states:::lambda:invoke', 'arn:${Partition}:states:::lambda:invoke.waitForTaskToken']),
    );
    expect(text).not.toContain('"Type": "Map"');
  });

  it('keeps local/engine/stop-all.ts STOP_ALL_FUNCTIONS in step with the template and the ASL substitutions', () => {
    // Prepare
    const substitutions = machine.DefinitionSubstitutions as JsonObject;
    // Act
    const invoked = Object.values(substitutions)
      .map((value) => getAttTarget(value)?.[0])
      .filter((id): id is string => id !== undefined && template.Resources[id]?.Type === 'AWS::Serverless::Function');
    const handlerFiles = Object.keys(STOP_ALL_FUNCTIONS).map((id) => String(properties(id).Handler).replace(/\.handler$/, ''));
    // Assess
    expect(invoked.sort()).toEqual(Object.keys(STOP_ALL_FUNCTIONS).sort());
    expect(handlerFiles).toEqual(Object.values(STOP_ALL_FUNCTIONS));
  });

  const ledgerObjects = { 'Fn::Sub': '${FleetLedgerBucket.Arn}/stop-all/*' };
  const statementsOfFunction = (id: string): JsonObject[] =>
    ((properties(id).Policies ?? []) as JsonObject[]).flatMap((policy) => statementsOf(policy));

  it('lets the listing function list executions and read tags only of pipelines in the PipelineNamePattern scope (and pipeline names), write ledgers, and caps the run', () => {
    // Prepare
    const fn = properties('ListRunningExecutionsFunction');
    // Act
    const statements = statementsOfFunction('ListRunningExecutionsFunction');
    const variables = (fn.Environment as JsonObject & { Variables: JsonObject }).Variables;
    // Assess
    expect(statements).toEqual([
      expect.objectContaining({
        Action: 'sagemaker:ListPipelineExecutions',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:pipeline/${PipelineNamePattern}' },
      }),
      // The runaway guard reads each pipeline's own limits: ListTags on the pipelines of the scope only.
      expect.objectContaining({
        Action: 'sagemaker:ListTags',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:pipeline/${PipelineNamePattern}' },
      }),
      // ListPipelines has no resource-level permissions; the function keeps to the scope itself.
      expect.objectContaining({ Action: 'sagemaker:ListPipelines', Resource: '*' }),
      expect.objectContaining({ Action: 's3:PutObject', Resource: ledgerObjects }),
    ]);
    expect(refTarget(variables.STOP_ALL_MAX_EXECUTIONS)).toBe('StopAllMaxExecutions');
    expect(refTarget(variables.PIPELINE_NAME_PATTERN)).toBe('PipelineNamePattern');
    expect(refTarget(variables.DEFAULT_SIGNAL_RATE_PER_SECOND)).toBe('SignalRatePerSecond');
    expect(refTarget(variables.FLEET_LEDGER_BUCKET)).toBe('FleetLedgerBucket');
    expect(template.Parameters?.StopAllMaxExecutions).toMatchObject({ MinValue: 1, MaxValue: 100000, Default: 10000 });
    expect(template.Parameters?.SignalRatePerSecond).toMatchObject({ MinValue: 1, MaxValue: 50, Default: 10 });
  });

  it('lets the sweep read and write ledgers and the summary only read them, under stop-all/ of the one bucket', () => {
    // Act
    const s3Grants = (id: string) => statementsOfFunction(id).filter((statement) => String([statement.Action].flat()[0]).startsWith('s3:'));
    // Assess
    expect(s3Grants('SignalAndSweepFunction')).toEqual([
      expect.objectContaining({ Action: ['s3:GetObject', 's3:PutObject'], Resource: ledgerObjects }),
      // Its runs' stop records (the stop watch leaves them alone; their ends wake the fleet): write only.
      expect.objectContaining({ Action: 's3:PutObject', Resource: { 'Fn::Sub': '${FleetLedgerBucket.Arn}/stops/*' } }),
    ]);
    expect(s3Grants('SummariseStopAllFunction')).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: ledgerObjects })]);
  });

  it('keeps the ledgers in a private, encrypted bucket that expires them and refuses plain HTTP', () => {
    // Prepare
    const bucket = resource('FleetLedgerBucket');
    const policy = properties('FleetLedgerBucketPolicy');
    // Act
    const props = bucket.Properties as JsonObject;
    const deny = statementsOf(policy.PolicyDocument as JsonObject);
    // Assess
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(JSON.stringify(props.BucketEncryption)).toContain('AES256');
    expect(JSON.stringify(props.LifecycleConfiguration)).toContain('"ExpirationInDays":{"Ref":"FleetLedgerRetentionDays"}');
    expect(deny).toEqual([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
  });

  it('loops the fleet on one Lambda task and a wait: signal first, sweep until done, no Lambda held while runs drain', () => {
    // Prepare
    const { definition } = asl('stop-all.asl.json');
    const states = definition.States as Record<string, JsonObject>;
    // Act
    const choice = states['Fleet Done?'];
    // Assess
    expect(states['Signal And Sweep']).toMatchObject({ Type: 'Task', Next: 'Fleet Done?' });
    expect(choice?.Choices).toEqual([
      { Variable: '$.progress.done', BooleanEquals: true, Next: 'Summarise Stop All' },
      { Variable: '$.progress.signalling', BooleanEquals: true, Next: 'Signal And Sweep' },
      {
        And: [
          { Variable: '$.progress.wakeable', BooleanEquals: true },
          { Variable: '$.progress.nextWaitSeconds', NumericGreaterThan: 2 },
        ],
        Next: 'Wait For Run Events',
      },
    ]);
    expect(choice?.Default).toBe('Wait For Sweep');
    expect(states['Wait For Sweep']).toMatchObject({ Type: 'Wait', SecondsPath: '$.progress.nextWaitSeconds', Next: 'Signal And Sweep' });
    // The sleep a run's end can cut short: its timeout is the sweep's wait, and it falls back to the plain Wait.
    expect(states['Wait For Run Events']).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSecondsPath: '$.progress.nextWaitSeconds',
      ResultPath: null,
      Next: 'Signal And Sweep',
      Catch: [
        { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'Signal And Sweep' },
        { ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Wait For Sweep' },
      ],
    });
  });
});

/** The runaway guard in template.yaml: an optional schedule that starts stop-all with a valid policy, with its own least-privilege role and a dead-letter queue. */
import { describe, expect, it } from 'vitest';
import { parseStopAllRequest } from '#stop-all/stop-all-request.js';
import { loadTemplate, refTarget, type JsonObject } from '#test/support/template.js';

const template = loadTemplate();
const schedule = template.Resources.RunawayGuardSchedule;
const parameters = template.Parameters ?? {};

/** The schedule's Input as Scheduler sends it, for given parameter values. */
function renderedInput(values: Record<string, string>): unknown {
  const [text, variables] = (schedule?.Properties?.Target as JsonObject & { Input: { 'Fn::Sub': [string, Record<string, unknown>] } })
    .Input['Fn::Sub'];
  const dryRun = values.GuardDryRun === 'true' ? 'true' : 'false';
  expect(Object.keys(variables)).toEqual(['DryRun']);
  return JSON.parse(
    text.replace(/\$\{(\w+)\}/g, (_, name: string) => (name === 'DryRun' ? dryRun : (values[name] ?? String(parameters[name]?.Default)))),
  );
}

describe('runaway guard', () => {
  it('is off by default and on with a schedule expression', () => {
    // Assess
    expect(parameters.GuardSchedule?.Default).toBe('');
    expect(template.Conditions?.DeployGuard).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'GuardSchedule' }, ''] }] });
    for (const id of ['RunawayGuardSchedule', 'RunawayGuardScheduleRole', 'GuardDeadLetterQueue'])
      expect(template.Resources[id]?.Condition, id).toBe('DeployGuard');
    const pattern = new RegExp(String(parameters.GuardSchedule?.AllowedPattern));
    expect(['', 'rate(1 hour)', 'cron(0 * * * ? *)'].every((value) => pattern.test(value))).toBe(true);
    expect(['hourly', 'rate(1 hour'].some((value) => pattern.test(value))).toBe(false);
  });

  it.each([
    [{}, { pipelineNamePattern: '*', olderThanSeconds: 86_400, dryRun: false }],
    [
      { GuardPipelineNamePattern: 'training-*', GuardMaxRuntimeSeconds: '3600', GuardDryRun: 'true' },
      { pipelineNamePattern: 'training-*', olderThanSeconds: 3600, dryRun: true },
    ],
  ])('starts stop-all with an input its parser accepts (parameters %j)', (values, expected) => {
    // Act
    const input = renderedInput(values);
    // Assess
    expect(parseStopAllRequest(input, '*')).toMatchObject({
      ...expected,
      reason: expect.stringMatching(/^runaway guard: running longer than \d+ s$/),
    });
  });

  it('targets the stop-all state machine with bounded retries and a dead-letter queue', () => {
    // Prepare
    const target = schedule?.Properties?.Target as JsonObject;
    // Assess
    expect(refTarget(target.Arn)).toBe('StopAllStateMachine');
    expect(target.RoleArn).toEqual({ 'Fn::GetAtt': ['RunawayGuardScheduleRole', 'Arn'] });
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 });
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['GuardDeadLetterQueue', 'Arn'] } });
    expect(template.Resources.GuardDeadLetterQueue?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
  });

  it('gives the schedule a role of its own that may only start stop-all and write to its dead-letter queue', () => {
    // Prepare
    const role = template.Resources.RunawayGuardScheduleRole?.Properties as JsonObject & {
      AssumeRolePolicyDocument: JsonObject;
      Policies: JsonObject[];
    };
    const statements = role.Policies.flatMap((policy) => (policy.PolicyDocument as JsonObject & { Statement: JsonObject[] }).Statement);
    // Assess
    expect((role.AssumeRolePolicyDocument.Statement as JsonObject[])[0]).toMatchObject({
      Principal: { Service: 'scheduler.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(statements.map((statement) => [statement.Action, statement.Resource])).toEqual([
      ['states:StartExecution', { Ref: 'StopAllStateMachine' }],
      ['sqs:SendMessage', { 'Fn::GetAtt': ['GuardDeadLetterQueue', 'Arn'] }],
    ]);
  });

  it('alarms when the guard could not start stop-all', () => {
    expect(template.Resources.RunawayGuardDeadLetterQueueAlarm).toMatchObject({
      Condition: 'CreateGuardAlarms',
      Properties: { Namespace: 'AWS/SQS' },
    });
  });
});

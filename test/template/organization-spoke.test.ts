/**
 * An organization spoke (HubAccountId set): the one role the hub's organization stop assumes - its
 * name per region, trusted only by the hub's organization-stop roles inside the organization, able
 * only to start and read this spoke's stop-all - and the rule that forwards Stop All Completed to
 * the hub's bus. Without HubAccountId none of it exists.
 */
import { describe, expect, it } from 'vitest';
import { isObject, loadTemplate, subOf, type JsonObject } from '#test/support/template.js';

const template = loadTemplate();
const resource = (id: string) => template.Resources[id];
const statementsOf = (role: string, part: 'AssumeRolePolicyDocument' | 'Policies'): JsonObject[] => {
  const properties = resource(role)?.Properties ?? {};
  if (part === 'AssumeRolePolicyDocument') return (properties.AssumeRolePolicyDocument as JsonObject).Statement as JsonObject[];
  return (properties.Policies as JsonObject[]).flatMap((policy) => (policy.PolicyDocument as JsonObject).Statement as JsonObject[]);
};

describe('organization spoke', () => {
  it('exists only in a spoke: the role, the forwarding rule and its role carry the IsSpoke condition', () => {
    for (const id of ['HubAccessRole', 'StopAllCompletedToHubRule', 'HubEventForwardingRole'])
      expect(resource(id)?.Condition, id).toBe('IsSpoke');
    expect(template.Conditions?.IsSpoke).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'HubAccountId' }, ''] }] });
  });

  it('names the hub role per region, as IAM names are global to an account', () => {
    expect(subOf(resource('HubAccessRole')?.Properties?.RoleName)?.text).toBe('graceful-stop-hub-access-${AWS::Region}');
  });

  it("is assumable only by the hub account's organization-stop roles, and only from inside the organization", () => {
    // Act
    const statements = statementsOf('HubAccessRole', 'AssumeRolePolicyDocument');

    // Assess
    expect(statements).toHaveLength(1);
    const [trust] = statements;
    expect(trust?.Effect).toBe('Allow');
    expect(trust?.Action).toBe('sts:AssumeRole');
    expect(subOf((trust?.Principal as JsonObject).AWS)?.text).toBe('arn:${AWS::Partition}:iam::${HubAccountId}:root');
    const condition = trust?.Condition as JsonObject;
    expect((condition.StringEquals as JsonObject)['aws:PrincipalOrgID']).toEqual({ Ref: 'HubOrganizationId' });
    expect(subOf((condition.ArnLike as JsonObject)['aws:PrincipalArn'])?.text).toBe(
      'arn:${AWS::Partition}:iam::${HubAccountId}:role/graceful-stop-organization-*',
    );
  });

  it("lets the hub start this spoke's stop-all and read its executions, nothing else", () => {
    // Act
    const statements = statementsOf('HubAccessRole', 'Policies');

    // Assess
    expect(statements.map((statement) => statement.Action)).toEqual(['states:StartExecution', 'states:DescribeExecution']);
    expect(statements[0]?.Resource).toEqual({ Ref: 'StopAllStateMachine' });
    const executions = subOf(statements[1]?.Resource);
    expect(executions?.text).toBe('arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${Name}:*');
    expect(executions?.variables.Name).toEqual({ 'Fn::GetAtt': ['StopAllStateMachine', 'Name'] });
  });

  it('gives the stop-all state machine of a spoke the name the hub starts', () => {
    expect(resource('StopAllStateMachine')?.Properties?.Name).toEqual({
      'Fn::If': ['IsSpoke', 'graceful-stop-all-spoke', { Ref: 'AWS::NoValue' }],
    });
  });

  it("forwards only this stack's Stop All Completed events, to the hub's bus, through a role that may put events there only", () => {
    // Prepare
    const rule = resource('StopAllCompletedToHubRule')?.Properties as JsonObject;
    const [target] = rule.Targets as JsonObject[];
    const [put] = statementsOf('HubEventForwardingRole', 'Policies');

    // Assess
    expect(rule.EventPattern).toEqual({ source: ['sagemaker-pipelines.graceful-stop'], 'detail-type': ['Stop All Completed'] });
    const hubBus = 'arn:${AWS::Partition}:events:${Region}:${HubAccountId}:event-bus/${HubEventBusName}';
    expect(subOf(target?.Arn)?.text).toBe(hubBus);
    expect(target?.RoleArn).toEqual({ 'Fn::GetAtt': ['HubEventForwardingRole', 'Arn'] });
    expect(put?.Action).toBe('events:PutEvents');
    expect(subOf(put?.Resource)?.text).toBe(hubBus);
    const [trust] = statementsOf('HubEventForwardingRole', 'AssumeRolePolicyDocument');
    expect(trust?.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(isObject(trust?.Condition)).toBe(true);
  });

  it('refuses to deploy a spoke without its organization or a completion bus', () => {
    // Act
    const rule = (template as unknown as { Rules: Record<string, JsonObject> }).Rules.SpokeOfAnOrganization;
    const asserted = (rule?.Assertions as JsonObject[]).map((assertion) => assertion.Assert);

    // Assess
    expect(rule?.RuleCondition).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'HubAccountId' }, ''] }] });
    expect(asserted).toEqual([
      { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'HubOrganizationId' }, ''] }] },
      { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'CompletionEventBusName' }, ''] }] },
    ]);
  });

  it('names the dashboard per region, as dashboard names are unique per account', () => {
    expect(subOf(resource('GracefulStopDashboard')?.Properties?.DashboardName)?.text).toBe(
      '${AWS::StackName}-${AWS::Region}-graceful-stop',
    );
  });
});

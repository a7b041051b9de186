/**
 * The organization stop's ASL on the embedded engine over the real handlers, with STS, every spoke's
 * Step Functions, Organizations and CloudFormation mocked: 3 accounts × 2 regions stopped and
 * reported, a dry run, a target without a spoke, a spoke that does not trust the hub, a spoke whose
 * end is found by the safety-net look, targets from an organizational unit and from a StackSet, and a
 * bad request refused before any target is touched.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DescribeStackInstanceCommand, ListStackInstancesCommand, StackInstanceNotFoundException } from '@aws-sdk/client-cloudformation';
import { ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand } from '@aws-sdk/client-organizations';
import { DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, STSServiceException } from '@aws-sdk/client-sts';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { forgetSpokeClients } from '#stop-all/organization/spoke-access.js';
import { mockedOrganizationStop } from '#test/support/source-handlers.js';
import { FAST } from '#test/support/state-machine-paths.js';
import { caught, pathOf } from '#test/support/run-path.js';
import { createOrganizationStopMachine } from '#local/engine/organization-stop.js';
import { organizationStopSourceHandlers } from '#test/support/source-handlers.js';
import { handler as endSpokeWaits } from '#stop-all/organization/end-spoke-waits.js';
import type { LocalHandler } from '#local/engine/functions.js';

const { sts, stepFunctions, organizations, cloudFormation, eventBridge, machine } = mockedOrganizationStop();

const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const SELECTION = { pipelineNamePattern: 'training-*', reason: 'poisoned data set' };

/** Each target's stop-all report: `selected` runs, all Stopped (target n of the list: n + 1 runs). */
const reportOf = (accountId: string, region: string) => {
  const selected = ACCOUNTS.indexOf(accountId) * 2 + REGIONS.indexOf(region) + 1;
  return { selected, signalled: selected, succeeded: selected, failed: 0, leftovers: 0, released: 0, finalStatuses: { Stopped: selected } };
};
const targetOf = (arn: string): { accountId: string; region: string } => {
  const [, , , region = '', accountId = ''] = arn.split(':');
  return { accountId, region };
};

describe('organization stop state machine', () => {
  beforeEach(() => {
    for (const mock of [sts, stepFunctions, organizations, cloudFormation, eventBridge]) mock.reset();
    forgetSpokeClients();
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAHUB', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 900_000) },
    });
    stepFunctions.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
      executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
      startDate: new Date(),
    }));
    stepFunctions.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
      const { accountId, region } = targetOf(input.executionArn);
      return { status: 'SUCCEEDED', output: JSON.stringify(reportOf(accountId, region)) };
    });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
  });

  it("stops 3 accounts × 2 regions: each spoke's stop-all started with the selection, the totals the sum of the targets", async () => {
    // Act
    const result = await machine.run({ targets: { accounts: ACCOUNTS, regions: REGIONS }, ...SELECTION }, FAST);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const starts = stepFunctions.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(starts.map((start) => start.stateMachineArn).sort()).toEqual(
      ACCOUNTS.flatMap((account) =>
        REGIONS.map((region) => `arn:aws:states:${region}:${account}:stateMachine:graceful-stop-all-spoke`),
      ).sort(),
    );
    expect(starts.every((start) => JSON.parse(start.input ?? '{}').pipelineNamePattern === 'training-*')).toBe(true);
    const roles = sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn);
    expect(new Set(roles)).toEqual(
      new Set(ACCOUNTS.flatMap((account) => REGIONS.map((region) => `arn:aws:iam::${account}:role/graceful-stop-hub-access-${region}`))),
    );
    const report = result.output as {
      targets: number;
      byOutcome: Record<string, number>;
      totals: { selected: number; succeeded: number };
      finalStatuses: Record<string, number>;
    };
    expect(report.targets).toBe(6);
    expect(report.byOutcome).toEqual({ Completed: 6 });
    expect(report.totals.selected).toBe(1 + 2 + 3 + 4 + 5 + 6);
    expect(report.totals.succeeded).toBe(21);
    expect(report.finalStatuses).toEqual({ Stopped: 21 });
    const event = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(event?.DetailType).toBe('Organization Stop Completed');
  });

  it('passes a dry run to every spoke and reports it as one', async () => {
    // Act
    const result = await machine.run({ targets: { accounts: ACCOUNTS.slice(0, 1), regions: REGIONS }, ...SELECTION, dryRun: true }, FAST);

    // Assess
    expect(result.output).toMatchObject({ dryRun: true, targets: 2 });
    const inputs = stepFunctions.commandCalls(StartExecutionCommand).map((call) => JSON.parse(call.args[0].input.input ?? '{}'));
    expect(inputs.map((input) => input.dryRun)).toEqual([true, true]);
  });

  it('ends a target without a spoke SpokeNotDeployed and still stops the others', async () => {
    // Prepare
    stepFunctions
      .on(StartExecutionCommand, { stateMachineArn: 'arn:aws:states:eu-west-1:222222222222:stateMachine:graceful-stop-all-spoke' })
      .rejects(new StateMachineDoesNotExist({ $metadata: {}, message: 'State Machine Does Not Exist' }));

    // Act
    const result = await machine.run({ targets: { accounts: ACCOUNTS, regions: REGIONS }, ...SELECTION }, FAST);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const report = result.output as {
      byOutcome: Record<string, number>;
      results: Array<{ accountId: string; region: string; outcome: string }>;
    };
    expect(report.byOutcome).toEqual({ Completed: 5, SpokeNotDeployed: 1 });
    expect(report.results[0]).toMatchObject({ accountId: '222222222222', region: 'eu-west-1', outcome: 'SpokeNotDeployed' });
  });

  it('ends a target whose spoke role does not trust the hub SpokeAccessDenied', async () => {
    // Prepare
    sts.on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::333333333333:role/graceful-stop-hub-access-us-east-1' }).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'not authorized to perform sts:AssumeRole',
      }),
    );

    // Act
    const result = await machine.run({ targets: { accounts: ACCOUNTS, regions: REGIONS }, ...SELECTION }, FAST);

    // Assess
    const report = result.output as { byOutcome: Record<string, number>; results: Array<{ outcome: string; cause?: string }> };
    expect(report.byOutcome).toEqual({ Completed: 5, SpokeAccessDenied: 1 });
    expect(report.results[0]?.cause).toContain('graceful-stop-hub-access-us-east-1');
  });

  it("ends a target SpokeNotDeployed when STS refuses its role and its region's StackSet has no instance in its account", async () => {
    // Prepare
    sts
      .on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::333333333333:role/graceful-stop-hub-access-us-east-1' })
      .rejects(
        new STSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized' }),
      );
    cloudFormation
      .on(DescribeStackInstanceCommand, { StackSetName: 'graceful-stop-spokes-us-east-1', StackInstanceAccount: '333333333333' })
      .rejects(new StackInstanceNotFoundException({ $metadata: {}, message: 'Stack instance not found' }));

    // Act
    const result = await machine.run({ targets: { accounts: ACCOUNTS, regions: REGIONS }, ...SELECTION }, FAST);

    // Assess
    const report = result.output as { byOutcome: Record<string, number>; results: Array<{ outcome: string; cause?: string }> };
    expect(report.byOutcome).toEqual({ Completed: 5, SpokeNotDeployed: 1 });
    expect(report.results[0]?.cause).toContain('the StackSet graceful-stop-spokes-us-east-1 has no instance in 333333333333');
    expect(cloudFormation.commandCalls(DescribeStackInstanceCommand)[0]?.args[0].input.CallAs).toBe('SELF');
  });

  it('finds the end of a spoke whose completion event never came by looking again after a wait', async () => {
    // Prepare
    stepFunctions
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({ status: 'SUCCEEDED', output: JSON.stringify(reportOf('111111111111', 'us-east-1')) });

    // Act
    const result = await machine.run({ targets: { accounts: ACCOUNTS.slice(0, 1), regions: REGIONS.slice(0, 1) }, ...SELECTION }, FAST);

    // Assess
    expect(result.output).toMatchObject({ byOutcome: { Completed: 1 }, totals: { selected: 1 } });
    expect(pathOf(result)).toEqual(
      expect.arrayContaining(['Check Spoke Stop All', 'Wait For Spoke Event', caught('Wait For Spoke Event'), 'Check Spoke Stop All']),
    );
    expect(stepFunctions.commandCalls(DescribeExecutionCommand)).toHaveLength(2);
  });

  it("ends a target whose spoke's stop-all failed SpokeFailed, with its error", async () => {
    // Prepare
    stepFunctions.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'PipelineNotFound', cause: 'no pipeline training-x' });

    // Act
    const result = await machine.run({ targets: { accounts: ACCOUNTS.slice(0, 1), regions: REGIONS.slice(0, 1) }, ...SELECTION }, FAST);

    // Assess
    expect(result.output).toMatchObject({ byOutcome: { SpokeFailed: 1 }, results: [{ outcome: 'SpokeFailed' }] });
    expect((result.output as { results: Array<{ cause: string }> }).results[0]?.cause).toContain('PipelineNotFound');
  });

  it('resolves an organizational unit to its active accounts, the units below it included, × the regions', async () => {
    // Prepare
    organizations
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-cdefgh34' })
      .resolves({
        Accounts: [
          { Id: '111111111111', Status: 'ACTIVE' },
          { Id: '999999999999', Status: 'SUSPENDED' },
        ],
      })
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-child567' })
      .resolves({ Accounts: [{ Id: '222222222222', Status: 'ACTIVE' }] });
    organizations
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-cdefgh34' })
      .resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-child567' }] })
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-child567' })
      .resolves({ OrganizationalUnits: [] });

    // Act
    const result = await machine.run({ targets: { organizationalUnit: 'ou-ab12-cdefgh34', regions: ['us-east-1'] }, ...SELECTION }, FAST);

    // Assess
    expect(result.output).toMatchObject({ targets: 2, byOutcome: { Completed: 2 } });
    const accounts = stepFunctions
      .commandCalls(StartExecutionCommand)
      .map((call) => targetOf(call.args[0].input.stateMachineArn ?? '').accountId);
    expect(accounts.sort()).toEqual(['111111111111', '222222222222']);
  });

  it("resolves a StackSet to its instances' accounts and regions", async () => {
    // Prepare
    cloudFormation.on(ListStackInstancesCommand).resolves({
      Summaries: [
        { Account: '111111111111', Region: 'us-east-1' },
        { Account: '111111111111', Region: 'eu-west-1' },
      ],
    });

    // Act
    const result = await machine.run({ targets: { stackSet: 'graceful-stop-spokes' }, ...SELECTION }, FAST);

    // Assess
    expect(result.output).toMatchObject({ targets: 2, byOutcome: { Completed: 2 } });
    expect(cloudFormation.commandCalls(ListStackInstancesCommand)[0]?.args[0].input).toMatchObject({
      StackSetName: 'graceful-stop-spokes',
      CallAs: 'SELF',
    });
  });

  it('refuses a bad selection once, before any target is touched', async () => {
    // Act
    const result = await machine.run({ targets: { accounts: ACCOUNTS, regions: REGIONS }, pipelineNamePattern: 'bad pattern!' }, FAST);

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidInput');
    expect(sts.calls()).toHaveLength(0);
    expect(stepFunctions.calls()).toHaveLength(0);
  });

  it("wakes the wait for a spoke as soon as the spoke's Stop All Completed event reaches the hub's bus", async () => {
    // Prepare
    stepFunctions
      .on(DescribeExecutionCommand)
      .resolves({ status: 'SUCCEEDED', output: JSON.stringify(reportOf('111111111111', 'us-east-1')) });
    // The forwarded event: delivered to EndSpokeWaitsFunction once the wait's token is kept.
    const waitForSpokeEvent = organizationStopSourceHandlers.WaitForSpokeEventFunction;
    const woken = createOrganizationStopMachine({
      ...organizationStopSourceHandlers,
      WaitForSpokeEventFunction: (async (event: { stopExecutionArn: string }, context: never) => {
        const registered = await waitForSpokeEvent(event, context);
        setTimeout(
          () =>
            void endSpokeWaits(
              { source: 'sagemaker-pipelines.graceful-stop', 'detail-type': 'Stop All Completed', resources: [event.stopExecutionArn] },
              context,
            ),
          0,
        );
        return registered;
      }) as LocalHandler,
    });
    stepFunctions
      .on(SendTaskSuccessCommand)
      .callsFake((input: { taskToken: string; output: string }) => (woken.taskTokens.succeed(input.taskToken, input.output), {}));

    // Act: real time, so the wait's timeout (60 s) would show if the event did not end the wait.
    const result = await woken.run(
      { targets: { accounts: ACCOUNTS.slice(0, 1), regions: REGIONS.slice(0, 1) }, ...SELECTION },
      { retryIntervalMs: 0 },
    );

    // Assess
    expect(result.output).toMatchObject({ byOutcome: { Completed: 1 } });
    expect(stepFunctions.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    const path = pathOf(result);
    expect(path).toContain('Wait For Spoke Event');
    expect(path).not.toContain(caught('Wait For Spoke Event'));
  });
});

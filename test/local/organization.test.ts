/**
 * A local organization end to end: the hub's organization stop (the built bundles, on the embedded
 * engine) over 3 accounts × 2 regions of spokes, each a whole local cloud in its own thread with its
 * own runs, reached through the local STS (template.yaml's trust and permissions) and each spoke's
 * Step Functions. Plus a fourth account whose spoke in us-east-1 trusts another organization and
 * which has no spoke in eu-west-1, a fifth whose eu-west-1 is not enabled, and a spoke whose
 * completion events are lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribePipelineExecutionCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { waitFor } from '#local/bounded.js';
import { memberAccount, OTHER_ORGANIZATION_ID, startLocalOrganization, type LocalOrganization } from '#local/organization/organization.js';
import type { OrganizationStopReport } from '#stop-all/organization/model.js';

const TIME_SCALE = 100;
const REGIONS = ['us-east-1', 'eu-west-1'];
const [FIRST, SECOND, THIRD, FOURTH, FIFTH] = [0, 1, 2, 3, 4].map(memberAccount) as [string, string, string, string, string];
const LOST_EVENTS = `${THIRD}/eu-west-1`;
const SELECTION = { pipelineNamePattern: 'walkthrough-*', reason: 'poisoned data set', releaseCallbacksAfterSeconds: 60 };

let organization: LocalOrganization;
let hub: SFNClient;

const client = <T>(Client: new (config: object) => T, endpoint: string, accessKeyId = 'local', region = 'us-east-1'): T =>
  new Client({ ...BOUNDED_CLIENT_OPTIONS, endpoint, region, credentials: { accessKeyId, secretAccessKey: 'local' } });

/** Starts the organization stop on the hub, as the CLI does, and waits for its end. */
async function organizationStop(input: object): Promise<{ status: string; report: OrganizationStopReport }> {
  const { executionArn } = await hub.send(
    new StartExecutionCommand({ stateMachineArn: organization.hub.organizationStop.arn, input: JSON.stringify(input) }),
  );
  const ended = await waitFor(
    'the organization stop to end',
    () => hub.send(new DescribeExecutionCommand({ executionArn })),
    (execution) => execution.status !== 'RUNNING',
    { timeoutMs: 120_000, intervalMs: 100 },
  );
  return { status: ended.status ?? '', report: JSON.parse(ended.output ?? '{}') as OrganizationStopReport };
}

/** Every seeded run's status, per spoke. */
async function runStatuses(accounts: string[]): Promise<Record<string, string[]>> {
  const statuses: Record<string, string[]> = {};
  for (const spoke of organization.spokes.filter((candidate) => accounts.includes(candidate.accountId))) {
    const sagemaker = client(SageMakerClient, spoke.sagemakerEndpoint, 'local', spoke.region);
    statuses[`${spoke.accountId}/${spoke.region}`] = await Promise.all(
      spoke.runs.map(
        async (arn) =>
          (await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }))).PipelineExecutionStatus ?? '',
      ),
    );
    sagemaker.destroy();
  }
  return statuses;
}

describe('a local organization', () => {
  beforeAll(async () => {
    organization = await startLocalOrganization({
      accounts: [FIRST, SECOND, THIRD, FOURTH, FIFTH],
      regions: REGIONS,
      timeScale: TIME_SCALE,
      seed: { training: 1, callback: 1 },
      trustingAnotherOrganization: [`${FOURTH}/us-east-1`],
      withoutSpoke: [`${FOURTH}/eu-west-1`],
      losingEvents: [LOST_EVENTS],
      disabledRegions: { [FIFTH]: ['eu-west-1'] },
      onFunctionOutput: () => undefined,
    });
    hub = client(SFNClient, organization.front.endpoint);
  }, 240_000);

  afterAll(async () => {
    hub?.destroy();
    await organization?.close();
  }, 60_000);

  it('runs a dry run, then stops every run of 3 accounts × 2 regions: the totals are the sum of the targets', async () => {
    // Prepare
    const targets = { accounts: [FIRST, SECOND, THIRD], regions: REGIONS };

    // Act
    const dryRun = await organizationStop({ targets, ...SELECTION, dryRun: true });
    const afterDryRun = await runStatuses([FIRST, SECOND, THIRD]);
    const stop = await organizationStop({ targets, ...SELECTION });

    // Assess
    expect(dryRun.status).toBe('SUCCEEDED');
    expect(dryRun.report).toMatchObject({ dryRun: true, targets: 6, byOutcome: { Completed: 6 }, totals: { selected: 12, signalled: 0 } });
    expect(Object.values(afterDryRun).flat()).toEqual(Array(12).fill('Executing'));
    expect(stop.status).toBe('SUCCEEDED');
    expect(stop.report.byOutcome).toEqual({ Completed: 6 });
    const sum = (key: 'selected' | 'signalled' | 'succeeded') =>
      stop.report.results.reduce((total, result) => total + (result[key] ?? 0), 0);
    expect(stop.report.totals).toMatchObject({ selected: sum('selected'), signalled: sum('signalled'), succeeded: sum('succeeded') });
    expect(stop.report.totals.selected).toBe(12);
    expect(stop.report.finalStatuses).toEqual({ Stopped: 12 });
    expect(Object.values(await runStatuses([FIRST, SECOND, THIRD])).flat()).toEqual(Array(12).fill('Stopped'));
  }, 180_000);

  it("reports by polling a spoke whose Stop All Completed never reached the hub's bus", async () => {
    // Prepare: the events the hub's bus saw, by the account and region they came from.
    const forwarded = organization.hub.cloud.routed
      .filter(({ event }) => event['detail-type'] === 'Stop All Completed')
      .map(({ event }) => `${event.account}/${event.region}`);

    // Assess
    expect(forwarded).not.toContain(LOST_EVENTS);
    expect(forwarded).toContain(`${FIRST}/us-east-1`);
  });

  it('ends a target without a spoke SpokeNotDeployed and a spoke trusting another organization SpokeAccessDenied; the others still stop', async () => {
    // Act
    const { status, report } = await organizationStop({ targets: { accounts: [FOURTH], regions: REGIONS }, ...SELECTION });

    // Assess
    expect(status).toBe('SUCCEEDED');
    const outcomes = Object.fromEntries(report.results.map((result) => [`${result.accountId}/${result.region}`, result.outcome]));
    expect(outcomes).toEqual({ [`${FOURTH}/us-east-1`]: 'SpokeAccessDenied', [`${FOURTH}/eu-west-1`]: 'SpokeNotDeployed' });
    expect(report.results.find((result) => result.outcome === 'SpokeNotDeployed')?.cause).toMatch(
      /StackSet graceful-stop-spokes-eu-west-1 has no instance/,
    );
    // The misconfigured spoke's runs were not touched; nor did its failure stop anything else.
    expect(Object.values(await runStatuses([FOURTH])).flat()).toEqual(['Executing', 'Executing']);
  }, 180_000);

  it('ends a target in a region not enabled for its account RegionDisabled', async () => {
    // Act
    const { report } = await organizationStop({ targets: { accounts: [FIFTH], regions: ['eu-west-1'] }, ...SELECTION });

    // Assess
    expect(report.results).toEqual([expect.objectContaining({ accountId: FIFTH, region: 'eu-west-1', outcome: 'RegionDisabled' })]);
  });

  it('lets the hub assume a spoke role and refuses a principal outside the organization, even one named like the hub', async () => {
    // Prepare
    organization.identity.addCaller('outsider', {
      accountId: '999999999999',
      principalArn: `arn:aws:iam::${organization.hub.accountId}:role/graceful-stop-organization-spoke-caller-us-east-1`,
      organizationId: OTHER_ORGANIZATION_ID,
    });
    const roleArn = `arn:aws:iam::${FIRST}:role/graceful-stop-hub-access-eu-west-1`;
    const asHub = client(STSClient, organization.front.endpoint);
    const asOutsider = client(STSClient, organization.front.endpoint, 'outsider');

    // Act
    const assumed = await asHub.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'hub', DurationSeconds: 900 }));
    const refused = asOutsider.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'outsider', DurationSeconds: 900 }));

    // Assess
    expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${FIRST}:assumed-role/graceful-stop-hub-access-eu-west-1/hub`);
    await expect(refused).rejects.toMatchObject({ name: 'AccessDenied' });
    asHub.destroy();
    asOutsider.destroy();
  });

  it("lets a spoke session start only that spoke's stop-all", async () => {
    // Prepare
    const sts = client(STSClient, organization.front.endpoint);
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${FIRST}:role/graceful-stop-hub-access-us-east-1`,
        RoleSessionName: 'hub',
        DurationSeconds: 900,
      }),
    );
    const spoke = new SFNClient({
      ...BOUNDED_CLIENT_OPTIONS,
      endpoint: organization.front.endpoint,
      region: 'us-east-1',
      credentials: {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      },
    });

    // Act
    const other = spoke.send(
      new StartExecutionCommand({ stateMachineArn: `arn:aws:states:us-east-1:${FIRST}:stateMachine:graceful-stop`, input: '{}' }),
    );

    // Assess
    await expect(other).rejects.toMatchObject({ name: 'AccessDeniedException' });
    sts.destroy();
    spoke.destroy();
  });
});

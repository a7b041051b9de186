/** The organization stop's request, its looks at a spoke and its report, as plain functions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';
import { codeBlocks } from '#test/support/doc-examples.js';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { InvalidInput } from '#commons/errors.js';
import { parseOrganizationStopRequest, MAX_TARGETS } from '#stop-all/organization/organization-request.js';
import { checkSpokeStopAll, MAX_CHECK_SECONDS, MIN_CHECK_SECONDS } from '#stop-all/organization/check-spoke-stop-all.logic.js';
import { spokeExecutionName } from '#stop-all/organization/start-spoke-stop-all.logic.js';
import { forgetSpokeClients, spokeError } from '#stop-all/organization/spoke-access.js';
import { summariseOrganizationStop } from '#stop-all/organization/summarise-organization-stop.logic.js';
import { spokeExecutionOf } from '#stop-all/organization/end-spoke-waits.logic.js';
import { readTargetResults, recordTargetResult } from '#stop-all/organization/target-results.js';
import { MemoryObjects } from '#test/support/memory-objects.js';

const sts = mockClient(STSClient);
const stepFunctions = mockClient(SFNClient);
const SPOKE = {
  accountId: '111111111111',
  region: 'eu-west-1',
  spokeExecutionArn: 'arn:aws:states:eu-west-1:111111111111:execution:graceful-stop-all-spoke:org-1',
  startedAt: '2026-12-07T10:00:00.000Z',
};
const at =
  (seconds: number): (() => number) =>
  () =>
    Date.parse(SPOKE.startedAt) + seconds * 1000;

describe('parseOrganizationStopRequest', () => {
  it('takes accounts × regions and a stop-all selection, with the default spoke timeout', () => {
    // Act
    const request = parseOrganizationStopRequest({
      targets: { accounts: ['111111111111'], regions: ['us-east-1'] },
      pipelineName: 'nightly',
    });

    // Assess
    expect(request).toEqual({
      targets: { accounts: ['111111111111'], regions: ['us-east-1'] },
      stopAll: { pipelineName: 'nightly' },
      spokeTimeoutSeconds: 21_600,
    });
  });

  it.each([
    [{ pipelineName: 'nightly' }, /targets is undefined/],
    [{ targets: { accounts: ['1234'], regions: ['us-east-1'] }, pipelineName: 'nightly' }, /12-digit account ids/],
    [{ targets: { accounts: ['111111111111'], regions: ['mars-1'] }, pipelineName: 'nightly' }, /region names/],
    [{ targets: { accounts: ['111111111111'], stackSet: 'x', regions: ['us-east-1'] }, pipelineName: 'nightly' }, /exactly one of/],
    [{ targets: { organizationalUnit: 'ou-1', regions: ['us-east-1'] }, pipelineName: 'nightly' }, /organizational unit id/],
    [{ targets: { stackSet: 'spokes', regions: ['us-east-1'] }, pipelineName: 'nightly' }, /a StackSet names its own regions/],
    [{ targets: { accounts: ['111111111111'], regions: ['us-east-1'] } }, /pipelineName/],
    [
      { targets: { accounts: ['111111111111'], regions: ['us-east-1'] }, pipelineName: 'nightly', spokeTimeoutSeconds: 5 },
      /spokeTimeoutSeconds/,
    ],
  ])('refuses %j with a sentence that says what was expected', (input, message) => {
    expect(() => parseOrganizationStopRequest(input)).toThrow(InvalidInput);
    expect(() => parseOrganizationStopRequest(input)).toThrow(message);
  });

  it(`refuses more than ${MAX_TARGETS} targets`, () => {
    // Prepare
    const accounts = Array.from({ length: MAX_TARGETS / 2 + 1 }, (_, index) => String(100_000_000_000 + index));

    // Act / Assess
    expect(() => parseOrganizationStopRequest({ targets: { accounts, regions: ['us-east-1', 'eu-west-1'] }, pipelineName: 'x' })).toThrow(
      new RegExp(`${MAX_TARGETS + 2} targets; expected at most ${MAX_TARGETS}`),
    );
  });
});

describe('checkSpokeStopAll', () => {
  beforeEach(() => {
    sts.reset();
    stepFunctions.reset();
    forgetSpokeClients();
    sts
      .on(AssumeRoleCommand)
      .resolves({ Credentials: { AccessKeyId: 'A', SecretAccessKey: 'S', SessionToken: 'T', Expiration: new Date(Date.now() + 900_000) } });
  });

  it('looks again after a wait that grows with the time spent, within its bounds and the deadline', async () => {
    // Prepare
    stepFunctions.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    // Act
    const early = await checkSpokeStopAll(
      { ...SPOKE, spokeTimeoutSeconds: 86_400 },
      { sts: new STSClient({}), partition: 'aws', now: at(5) },
    );
    const middle = await checkSpokeStopAll(
      { ...SPOKE, spokeTimeoutSeconds: 86_400 },
      { sts: new STSClient({}), partition: 'aws', now: at(400) },
    );
    const late = await checkSpokeStopAll(
      { ...SPOKE, spokeTimeoutSeconds: 86_400 },
      { sts: new STSClient({}), partition: 'aws', now: at(7_200) },
    );
    const nearDeadline = await checkSpokeStopAll(
      { ...SPOKE, spokeTimeoutSeconds: 600 },
      { sts: new STSClient({}), partition: 'aws', now: at(597) },
    );

    // Assess
    expect(early).toMatchObject({ done: false, nextWaitSeconds: MIN_CHECK_SECONDS });
    expect(middle).toMatchObject({ done: false, nextWaitSeconds: 100 });
    expect(late).toMatchObject({ done: false, nextWaitSeconds: MAX_CHECK_SECONDS });
    expect(nearDeadline).toMatchObject({ done: false, nextWaitSeconds: 3 });
  });

  it('ends the target SpokeTimedOut once its stop-all runs past spokeTimeoutSeconds', async () => {
    // Prepare
    stepFunctions.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });

    // Act
    const check = await checkSpokeStopAll(
      { ...SPOKE, spokeTimeoutSeconds: 600 },
      { sts: new STSClient({}), partition: 'aws', now: at(601) },
    );

    // Assess
    expect(check).toMatchObject({ done: true, result: { outcome: 'SpokeTimedOut', accountId: SPOKE.accountId } });
  });
});

describe('spokeExecutionName', () => {
  it('is one name per organization stop and target, within Step Functions’ 80 characters', () => {
    // Act
    const name = spokeExecutionName(
      `arn:aws:states:us-east-1:999999999999:execution:graceful-stop-organization-us-east-1:${'x'.repeat(80)}`,
      SPOKE,
    );

    // Assess
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[A-Za-z0-9-]+$/);
    expect(spokeExecutionName('a', SPOKE)).toBe(spokeExecutionName('a', SPOKE));
    expect(spokeExecutionName('a', SPOKE)).not.toBe(spokeExecutionName('a', { ...SPOKE, region: 'us-east-1' }));
  });
});

describe('summariseOrganizationStop', () => {
  it('names a caught error by its target outcome, anything else SpokeFailed, and lists those first', () => {
    // Act
    const report = summariseOrganizationStop(
      [
        { accountId: '1', region: 'r', outcome: 'Completed', selected: 2, succeeded: 2, finalStatuses: { Stopped: 2 } },
        {
          accountId: '2',
          region: 'r',
          failure: { Error: 'RegionDisabled', Cause: JSON.stringify({ errorMessage: 'Region r is not enabled' }) },
        },
        { accountId: '3', region: 'r', failure: { Error: 'Lambda.Unknown', Cause: 'boom' } },
      ],
      false,
    );

    // Assess
    expect(report.byOutcome).toEqual({ Completed: 1, RegionDisabled: 1, SpokeFailed: 1 });
    expect(report.results.map((result) => result.outcome)).toEqual(['RegionDisabled', 'SpokeFailed', 'Completed']);
    expect(report.results[0]?.cause).toBe('Region r is not enabled');
    expect(report.results[1]?.cause).toBe('Lambda.Unknown: boom');
    expect(report.totals).toMatchObject({ selected: 2, succeeded: 2 });
  });
});

describe('spokeExecutionOf', () => {
  it("reads the spoke stop-all's execution ARN from its completion event", () => {
    expect(spokeExecutionOf({ resources: [SPOKE.spokeExecutionArn] })).toBe(SPOKE.spokeExecutionArn);
  });

  it.each([{}, { resources: [] }, { resources: ['arn:aws:sagemaker:us-east-1:111111111111:pipeline/x'] }, null])(
    'refuses %j by name, saying what it expected',
    (event) => {
      expect(() => spokeExecutionOf(event)).toThrow(InvalidInput);
      expect(() => spokeExecutionOf(event)).toThrow(/Stop All Completed event's stop-all execution ARN/);
    },
  );
});

describe('docs/organizations.md', () => {
  const page = readFileSync(join(projectRoot, 'docs', 'organizations.md'), 'utf8');

  it("shows an organization stop's input the hub accepts", () => {
    // Prepare
    const input = codeBlocks(page, 'json')[0] ?? '';

    // Act
    const request = parseOrganizationStopRequest(JSON.parse(input));

    // Assess
    expect(request.targets).toEqual({ organizationalUnit: 'ou-ab12-cdefgh34', regions: ['us-east-1', 'eu-west-1'] });
    expect(request.stopAll).toMatchObject({ pipelineNamePattern: 'training-*', dryRun: true });
  });

  it('shows a report with the fields the hub reports', () => {
    // Prepare
    const shown = JSON.parse(codeBlocks(page, 'json')[1] ?? '{}') as Record<string, unknown>;

    // Act
    const report = summariseOrganizationStop([], false);

    // Assess
    expect(Object.keys(shown).sort()).toEqual(Object.keys(report).sort());
  });
});

describe("the organization stop's state at its most targets", () => {
  it(`stays within Step Functions' 256 KB with ${MAX_TARGETS} targets, each a failure with its longest cause`, () => {
    // Prepare: the parent state the Map leaves (its targets; the results are in S3) and the report of every target failed.
    const targets = Array.from({ length: MAX_TARGETS }, (_, index) => ({
      accountId: String(100_000_000_000 + index),
      region: 'ap-southeast-3',
    }));
    const denied = spokeError(
      targets[0] as never,
      Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }),
    ) as Error;
    const lambdaCause = JSON.stringify({ errorType: denied.name, errorMessage: denied.message, trace: (denied.stack ?? '').split('\n') });
    const state = {
      organizationStopId: `arn:aws:states:us-east-1:999999999999:execution:graceful-stop-organization-us-east-1:${'x'.repeat(80)}`,
      dryRun: false,
      stopAll: { pipelineNamePattern: 'training-*', reason: 'r'.repeat(256), maxWaitSeconds: 86_400, releaseCallbacksAfterSeconds: 3_600 },
      spokeTimeoutSeconds: 21_600,
      targetCount: targets.length,
      targets,
    };

    // Act
    const report = summariseOrganizationStop(
      targets.map((target) => ({ ...target, failure: { Error: denied.name, Cause: lambdaCause } })),
      false,
    );

    // Assess
    expect(denied.stack?.split('\n')).toHaveLength(1);
    expect(report.resultsOmitted).toBe(MAX_TARGETS - 200);
    expect(Buffer.byteLength(JSON.stringify(state))).toBeLessThan(262_144);
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThan(262_144);
  });
});

describe('target results', () => {
  it('keeps each iteration’s result and reads them all back in order; a result never kept is SpokeFailed, said so', async () => {
    // Prepare
    const store = new MemoryObjects();
    const id = 'arn:aws:states:us-east-1:111111111111:execution:organization-stop:one';
    const kept = { ...SPOKE, region: 'us-east-1' };
    const failed = { ...SPOKE, region: 'eu-west-1' };
    const lost = { ...SPOKE, region: 'ap-south-1' };
    await recordTargetResult(store, id, { ...kept, outcome: 'Completed', selected: 2, finalStatuses: { Stopped: 2 } });
    const recorded = await recordTargetResult(store, id, {
      ...failed,
      failure: { Error: 'SpokeAccessDenied', Cause: '{"errorMessage":"no"}' },
    });

    // Act
    const results = await readTargetResults(store, id, [kept, failed, lost]);

    // Assess
    expect(recorded).toEqual({ outcome: 'SpokeAccessDenied' });
    expect(results.map((result) => [result.region, result.outcome])).toEqual([
      ['us-east-1', 'Completed'],
      ['eu-west-1', 'SpokeAccessDenied'],
      ['ap-south-1', 'SpokeFailed'],
    ]);
    expect(results[0]?.selected).toBe(2);
    expect(results[2]?.cause).toContain('not recorded');
  });
});

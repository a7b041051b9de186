/**
 * `graceful-stop stop-all --accounts | --organizational-unit | --stack-set --regions` runs the hub's
 * organization stop on AWS (the SDK mocked): the input the hub takes, its stack output, the phases
 * as progress, one line per target within 80 columns, --json, the exit codes, and every usage error.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { parseCommandLine } from '#cli/args.js';
import { UsageError } from '#cli/command-table.js';
import { runAwsCommand } from '#cli/aws/run.js';
import { captureIO, fakeFollow } from '#test/support/cli-fakes.js';
import type { OrganizationStopReport } from '#stop-all/organization/model.js';

const sfn = mockClient(SFNClient);
const cloudFormation = mockClient(CloudFormationClient);
const HUB = 'arn:aws:states:us-east-1:999999999999:stateMachine:graceful-stop-organization-us-east-1';
const EXECUTION = `${HUB.replace(':stateMachine:', ':execution:')}:organization-stop-cli-1`;

const REPORT: OrganizationStopReport = {
  dryRun: false,
  targets: 3,
  byOutcome: { Completed: 2, SpokeNotDeployed: 1 },
  totals: { selected: 5, signalled: 5, succeeded: 5, failed: 0, leftovers: 0, released: 0 },
  finalStatuses: { Stopped: 5 },
  results: [
    {
      accountId: '222222222222',
      region: 'eu-west-1',
      outcome: 'SpokeNotDeployed',
      cause: 'No spoke stop-all (graceful-stop-all-spoke) in 222222222222 eu-west-1: deploy the stack there with HubAccountId.',
    },
    { accountId: '111111111111', region: 'us-east-1', outcome: 'Completed', selected: 2, succeeded: 2, failed: 0 },
    { accountId: '111111111111', region: 'eu-west-1', outcome: 'Completed', selected: 3, succeeded: 3, failed: 0 },
  ],
  resultsOmitted: 0,
};

const clients = {
  sfnFor: (region: string | undefined) => new SFNClient({ region: region ?? 'us-east-1' }),
  cloudFormation: () => new CloudFormationClient({ region: 'us-east-1' }),
};
const command = (line: string) => parseCommandLine(line.split(' ')) as Extract<ReturnType<typeof parseCommandLine>, { name: 'stop-all' }>;
const entered = (id: number, name: string): HistoryEvent => ({
  id,
  type: 'TaskStateEntered',
  timestamp: new Date(),
  stateEnteredEventDetails: { name },
});
const exited = (id: number, name: string, output: unknown): HistoryEvent => ({
  id,
  type: 'TaskStateExited',
  timestamp: new Date(),
  stateExitedEventDetails: { name, output: JSON.stringify(output) },
});

describe('graceful-stop stop-all across an organization (the command line)', () => {
  it("builds the hub's input: the targets beside the selection", () => {
    // Act
    const parsed = command(
      `stop-all --pipeline-pattern training-* --accounts 111111111111,222222222222 --regions us-east-1,eu-west-1 --dry-run --stack-name hub`,
    );

    // Assess
    expect(parsed).toMatchObject({
      organization: true,
      stackName: 'hub',
      input: {
        targets: { accounts: ['111111111111', '222222222222'], regions: ['us-east-1', 'eu-west-1'] },
        pipelineNamePattern: 'training-*',
        dryRun: true,
      },
    });
    expect(command('stop-all nightly --stack-set graceful-stop-spokes-us-east-1 --stack-name hub').input).toEqual({
      targets: { stackSet: 'graceful-stop-spokes-us-east-1' },
      pipelineName: 'nightly',
    });
  });

  it.each([
    ['stop-all nightly --accounts 111111111111 --stack-name hub', /--accounts needs --regions/],
    ['stop-all nightly --regions us-east-1 --stack-name hub', /--regions goes with --accounts or --organizational-unit/],
    ['stop-all nightly --stack-set spokes --regions us-east-1 --stack-name hub', /a StackSet names its own regions/],
    [
      'stop-all nightly --accounts 111111111111 --stack-set spokes --stack-name hub',
      /Give one of --accounts, --organizational-unit, --stack-set/,
    ],
    ['stop-all nightly --accounts 111111111111 --regions us-east-1', /runs on the hub: pass --stack-name/],
    ['stop-all nightly --accounts 12 --regions us-east-1 --stack-name hub', /--accounts holds "12"; expected 12-digit account ids only/],
  ])('refuses `%s` with a usage error that says what to give', (line, message) => {
    expect(() => command(line)).toThrow(UsageError);
    expect(() => command(line)).toThrow(message);
  });
});

describe('graceful-stop stop-all across an organization (AWS mode)', () => {
  beforeEach(() => {
    sfn.reset();
    cloudFormation.reset();
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'hub',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'OrganizationStopStateMachineArn', OutputValue: HUB }],
        },
      ],
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        entered(5, 'Summarise Organization Stop'),
        exited(3, 'Resolve Targets', { targetCount: 3, dryRun: false }),
        entered(2, 'Resolve Targets'),
      ]
        .reverse()
        .reverse(),
    });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', output: JSON.stringify(REPORT) });
  });

  it("starts the hub's organization stop (its stack output), shows the phases, one line per target within 80 columns, and exits 1 when a target did not complete", async () => {
    // Prepare
    const out = captureIO();

    // Act
    const code = await runAwsCommand(
      command('stop-all --pipeline-pattern training-* --accounts 111111111111,222222222222 --regions us-east-1,eu-west-1 --stack-name hub'),
      out,
      clients,
      fakeFollow(),
    );

    // Assess
    expect(code).toBe(1);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(HUB);
    expect(start?.name).toMatch(/^organization-stop-cli-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(JSON.parse(start?.input ?? '{}')).toMatchObject({
      targets: { accounts: ['111111111111', '222222222222'] },
      pipelineNamePattern: 'training-*',
    });
    expect(out.stderr.join('')).toContain("organization stop: 3 target(s); starting each one's stop-all");
    const result = out.stdout.join('').trimEnd().split('\n');
    expect(result[0]).toBe('organization stop: 3 target(s): Completed 2, SpokeNotDeployed 1');
    expect(result[3]).toMatch(/^ {2}222222222222 eu-west-1 +SpokeNotDeployed +No spoke stop-all/);
    expect(result[4]).toMatch(/^ {2}111111111111 us-east-1 +Completed +2 run\(s\): 2 ended well, 0 not$/);
    expect(result.every((line) => line.length <= 80)).toBe(true);
  });

  it('prints the report as JSON with --json and exits 0 when every target completed', async () => {
    // Prepare
    const complete = {
      ...REPORT,
      byOutcome: { Completed: 3 },
      results: REPORT.results.map((result) => ({ ...result, outcome: 'Completed' as const })),
    };
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', output: JSON.stringify(complete) });
    const out = captureIO();

    // Act
    const code = await runAwsCommand(command('stop-all nightly --stack-set spokes --stack-name hub --json'), out, clients, fakeFollow());

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(out.stdout.join(''))).toMatchObject({ targets: 3, byOutcome: { Completed: 3 } });
  });

  it("shows how many targets have ended as the hub's Distributed Map runs them", async () => {
    // Prepare
    const mapRunArn = `${HUB.replace(':stateMachine:', ':mapRun:')}/stop-each-target:run-1`;
    sfn
      .on(GetExecutionHistoryCommand)
      .resolves({ events: [{ id: 6, type: 'MapRunStarted', timestamp: new Date(), mapRunStartedEventDetails: { mapRunArn } }] });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({ status: 'SUCCEEDED', output: JSON.stringify(REPORT) });
    sfn
      .on(DescribeMapRunCommand)
      .resolvesOnce({
        executionCounts: { total: 3, running: 3, pending: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, resultsWritten: 0 },
      } as never)
      .resolves({
        executionCounts: { total: 3, running: 1, pending: 0, succeeded: 2, failed: 0, timedOut: 0, aborted: 0, resultsWritten: 2 },
      } as never);
    const out = captureIO();

    // Act
    await runAwsCommand(command('stop-all nightly --stack-set spokes --stack-name hub'), out, clients, fakeFollow());

    // Assess
    expect(sfn.commandCalls(DescribeMapRunCommand)[0]?.args[0].input).toEqual({ mapRunArn });
    const progress = out.stderr.join('');
    expect(progress).toContain('organization stop: 0 of 3 target(s) ended, 3 running');
    expect(progress).toContain('organization stop: 2 of 3 target(s) ended, 1 running');
  });
});

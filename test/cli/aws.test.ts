/**
 * The CLI against AWS Step Functions (cli/aws/: stack, follow, run), with the SDK
 * mocked: starting the deployed machine, following it through
 * DescribeExecution and every page of GetExecutionHistory, the same progress
 * and result as the local mode, the exit codes, the stack lookup and the poll
 * deadline.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { parseCommandLine } from '#cli/args.js';
import { freshExecutionName, newHistoryEvents, outcomeOf } from '#cli/aws/follow.js';
import { runAwsCommand, type AwsClients } from '#cli/aws/run.js';
import { captureIO, fakeFollow } from '#test/support/cli-fakes.js';
import type { ListedState, StopAllSummary } from '#stop-all/model.js';
import { fleetProgress } from '#test/support/fleet-progress.js';

const sfn = mockClient(SFNClient);
const cloudFormation = mockClient(CloudFormationClient);

const PIPELINE_EXECUTION = 'arn:aws:sagemaker:eu-west-1:123456789012:pipeline/churn-model/execution/k3x9p2m4q7ab';
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:prod-graceful-stop';
const STOP_ALL_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:prod-stop-all';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:prod-graceful-stop:graceful-stop-cli-1';

const DOCUMENT = {
  pipelineExecutionArn: PIPELINE_EXECUTION,
  pipelineName: 'churn-model',
  outcome: 'Stopped',
  finalStatus: 'Stopped',
  stopRequestedAt: '2026-01-01T10:00:00.000Z',
  finishedAt: '2026-01-01T10:00:30.000Z',
  waitedSeconds: 30,
  polls: 3,
  steps: [{ name: 'Score', type: 'Lambda', status: 'Succeeded' }],
  releasedCallbackSteps: [],
};

const exited = (id: number, name: string, output: unknown): HistoryEvent => ({
  id,
  type: name.endsWith('?') ? 'ChoiceStateExited' : 'TaskStateExited',
  timestamp: new Date(),
  stateExitedEventDetails: { name, output: JSON.stringify(output) },
});
const event = (id: number, type: string): HistoryEvent => ({ id, type: type as HistoryEvent['type'], timestamp: new Date() });

const stopExited = (id: number): HistoryEvent =>
  exited(id, 'Stop Pipeline Execution', {
    request: { pipelineExecutionArn: PIPELINE_EXECUTION, maxWaitSeconds: 900 },
    stop: { accepted: true },
  });
const checkExited = (id: number, status: string, draining: { name: string; type: string; status: string }[]): HistoryEvent =>
  exited(id, 'Check Pipeline Execution', {
    check: { status, waitedSeconds: id, polls: id, deadlinePassed: false, draining, nextWaitSeconds: 5 },
  });

/** Real clients (intercepted by aws-sdk-client-mock) that record the region asked for. */
function recordingClients(): AwsClients & { regions: (string | undefined)[] } {
  const regions: (string | undefined)[] = [];
  return {
    regions,
    sfnFor: (region) => {
      regions.push(region);
      return new SFNClient({ region: region ?? 'us-east-1' });
    },
    cloudFormation: () => new CloudFormationClient({ region: 'eu-west-1' }),
  };
}

const command = (line: string) =>
  parseCommandLine(line.split(' ')) as Extract<ReturnType<typeof parseCommandLine>, { name: 'stop' | 'stop-all' }>;

describe('graceful-stop stop --state-machine-arn (AWS mode)', () => {
  beforeEach(() => {
    sfn.reset();
    cloudFormation.reset();
  });

  it('starts the deployed machine in its own region with a fresh name, shows the same progress as locally, prints the result and exits 0', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [stopExited(4), event(3, 'TaskStateEntered'), event(2, 'PassStateExited'), event(1, 'ExecutionStarted')] })
      .resolvesOnce({ events: [checkExited(7, 'Stopping', [{ name: 'Score', type: 'Lambda', status: 'Executing' }]), stopExited(4)] })
      .resolves({ events: [event(12, 'ExecutionSucceeded'), checkExited(9, 'Stopped', [])] });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({ status: 'SUCCEEDED', output: JSON.stringify(DOCUMENT) });
    const io = captureIO();
    const clients = recordingClients();

    // Act
    const code = await runAwsCommand(
      command(`stop ${PIPELINE_EXECUTION} --state-machine-arn ${MACHINE} --reason cost-cap`),
      io,
      clients,
      fakeFollow(),
    );

    // Assess
    expect(code).toBe(0);
    expect(clients.regions).toEqual(['eu-west-1']);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(MACHINE);
    expect(JSON.parse(start?.input ?? '')).toEqual({ pipelineExecutionArn: PIPELINE_EXECUTION, reason: 'cost-cap' });
    expect(start?.name).toMatch(/^graceful-stop-cli-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    const progress = io.stderr.join('');
    expect(progress).toContain(`started execution ${start?.name} on AWS Step Functions`);
    expect(progress).toContain(`https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${EXECUTION}`);
    expect(progress).toContain(`stop requested for ${PIPELINE_EXECUTION} (deadline 900s)`);
    expect(progress).toContain("  draining: Lambda step 'Score' Executing");
    expect(progress).toContain('status Stopped, waited 9s, 9 poll(s)');
    expect(progress.match(/stop requested/g)).toHaveLength(1);
    expect(io.stdout.join('')).toBe("outcome Stopped (final status Stopped) after 30s and 3 poll(s)\n  Lambda step 'Score': Succeeded\n");
  });

  it('exits 1 and prints the named error and its cause when the execution fails', async () => {
    // Prepare
    const cause =
      "The pipeline execution ended Failed instead of Stopped: Lambda step 'Score' failed (timed out). [pipelineExecutionArn=x, finalStatus=Failed, waitedSeconds=130, polls=9]";
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'PipelineExecutionFailed', cause });
    const io = captureIO();

    // Act
    const code = await runAwsCommand(
      command(`stop ${PIPELINE_EXECUTION} --state-machine-arn ${MACHINE}`),
      io,
      recordingClients(),
      fakeFollow(),
    );

    // Assess
    expect(code).toBe(1);
    expect(io.stdout.join('')).toBe(`FAILED PipelineExecutionFailed: ${cause}\n`);
  });

  it('prints only {error, cause} on stdout with --json, the progress staying on stderr', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [stopExited(4)] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'DrainTimedOut', cause: 'Steps still draining.' });
    const io = captureIO();

    // Act
    const code = await runAwsCommand(
      command(`stop ${PIPELINE_EXECUTION} --state-machine-arn ${MACHINE} --json`),
      io,
      recordingClients(),
      fakeFollow(),
    );

    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(io.stdout.join(''))).toEqual({ error: 'DrainTimedOut', cause: 'Steps still draining.' });
    expect(io.stderr.join('')).toContain('stop requested');
  });

  it('gives up following at the deadline with backoff between polls, exits 1 and names the execution still running', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const io = captureIO();
    const follow = fakeFollow({ deadlineMs: 12_000 });

    // Act
    const code = await runAwsCommand(command(`stop ${PIPELINE_EXECUTION} --state-machine-arn ${MACHINE}`), io, recordingClients(), follow);

    // Assess
    expect(code).toBe(1);
    expect(follow.sleeps).toEqual([1_000, 2_000, 4_000, 4_000, 1_000]);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(6);
    expect(io.stderr.join('')).toContain(`Stopped following ${EXECUTION} after 12 s; it is still RUNNING`);
    expect(io.stdout).toEqual([]);
  });

  it('reads the state machine ARN from the stack outputs with --stack-name', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'prod',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'GracefulStopStateMachineArn', OutputValue: MACHINE },
            { OutputKey: 'StopAllStateMachineArn', OutputValue: STOP_ALL_MACHINE },
          ],
        },
      ],
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', output: JSON.stringify(DOCUMENT) });

    // Act
    const code = await runAwsCommand(
      command(`stop ${PIPELINE_EXECUTION} --stack-name prod`),
      captureIO(),
      recordingClients(),
      fakeFollow(),
    );

    // Assess
    expect(code).toBe(0);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({ StackName: 'prod' });
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(MACHINE);
  });

  it('exits 1 with a named failure when the stack does not exist or lacks the output, as {error, cause} with --json', async () => {
    // Prepare
    cloudFormation
      .on(DescribeStacksCommand)
      .rejectsOnce(Object.assign(new Error('Stack with id nope does not exist'), { name: 'ValidationError' }))
      .resolves({ Stacks: [{ StackName: 'old', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }] });
    const missingStack = captureIO();
    const oldStack = captureIO();

    // Act
    const codes = [
      await runAwsCommand(command(`stop ${PIPELINE_EXECUTION} --stack-name nope`), missingStack, recordingClients(), fakeFollow()),
      await runAwsCommand(command('stop-all churn-model --stack-name old --json'), oldStack, recordingClients(), fakeFollow()),
    ];

    // Assess
    expect(codes).toEqual([1, 1]);
    expect(missingStack.stdout.join('')).toMatch(
      /^FAILED StackNotFound: CloudFormation has no stack "nope" in this region .*\(hint: check --stack-name and the region/,
    );
    expect(JSON.parse(oldStack.stdout.join(''))).toEqual({
      error: 'StackOutputMissing',
      cause: expect.stringContaining('Stack "old" has no output StopAllStateMachineArn'),
    });
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('graceful-stop stop-all --state-machine-arn (AWS mode)', () => {
  beforeEach(() => {
    sfn.reset();
    cloudFormation.reset();
  });

  it('shows the live counts after the listing and every cycle, prints the report, and exits 1 when one run did not end well', async () => {
    // Prepare
    const other = PIPELINE_EXECUTION.replace('k3x9p2m4q7ab', 'a1b2c3d4e5f6');
    const progress = fleetProgress;
    const listed: ListedState = {
      executionId: EXECUTION,
      request: { pipelineName: 'churn-model', olderThanSeconds: 0, signalRatePerSecond: 10, dryRun: false, maxWaitSeconds: 900 },
      ledger: { key: 'stop-all/x/ledger.json' },
      listing: {
        listedAt: '2026-01-01T10:00:00.000Z',
        pipelines: 1,
        scanned: 9,
        pagesRead: 1,
        scanComplete: true,
        tooRecent: 0,
        omitted: 0,
        byPipeline: [],
      },
      progress: progress({}),
    };
    const summary: StopAllSummary = {
      pipelineName: 'churn-model',
      dryRun: false,
      ledger: 's3://ledgers/stop-all/x/ledger.json',
      listedAt: '2026-01-01T10:00:00.000Z',
      finishedAt: '2026-01-01T10:05:00.000Z',
      pipelines: 1,
      scanComplete: true,
      tooRecent: 0,
      omitted: 0,
      byPipeline: [],
      selected: 2,
      signalled: 2,
      takenIn: 0,
      succeeded: 1,
      succeededSignalled: 1,
      failed: 1,
      outcomes: { Stopped: 1 },
      errors: { PipelineExecutionFailed: 1 },
      finalStatuses: { Stopped: 1, Failed: 1 },
      released: 0,
      leftovers: 0,
      secondsToLastSignal: 0.1,
      secondsToLastEnd: 140,
      runs: [
        {
          pipelineExecutionArn: PIPELINE_EXECUTION,
          pipelineName: 'churn-model',
          origin: 'Signalled',
          succeeded: false,
          finalStatus: 'Failed',
          error: 'PipelineExecutionFailed',
          cause: 'Lambda step timed out.',
          drainSeconds: 140,
        },
        {
          pipelineExecutionArn: other,
          pipelineName: 'churn-model',
          origin: 'Signalled',
          succeeded: true,
          outcome: 'Stopped',
          finalStatus: 'Stopped',
          drainSeconds: 12,
        },
      ],
      runsOmitted: 0,
      slowestDrains: [{ pipelineExecutionArn: PIPELINE_EXECUTION, drainSeconds: 140, finalStatus: 'Failed' }],
      sageMakerCalls: { ListPipelineExecutions: 7, StopPipelineExecution: 2 },
      peakCallsPerSecond: { ListPipelineExecutions: 3, StopPipelineExecution: 2 },
      wouldStop: [],
      wouldStopCount: 0,
    };
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        exited(20, 'Signal And Sweep', {
          ...listed,
          progress: progress({
            signalled: 2,
            accepted: 2,
            draining: 0,
            ended: { Stopped: 1, Failed: 1 },
            elapsedSeconds: 150,
            signalling: false,
            done: true,
          }),
        }),
        exited(15, 'Signal And Sweep', {
          ...listed,
          progress: progress({
            signalled: 2,
            accepted: 2,
            draining: 1,
            ended: { Stopped: 1 },
            elapsedSeconds: 25,
            typicalDrainSeconds: 12,
            etaSeconds: 12,
            signalling: false,
          }),
        }),
        exited(4, 'List Running Executions', listed),
      ],
    });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', output: JSON.stringify(summary) });
    const io = captureIO();

    // Act
    const code = await runAwsCommand(
      command(`stop-all churn-model --state-machine-arn ${STOP_ALL_MACHINE}`),
      io,
      recordingClients(),
      fakeFollow(),
    );

    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '')).toEqual({ pipelineName: 'churn-model' });
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toMatch(/^stop-all-cli-/);
    const lines = io.stderr.join('').split('\n');
    expect(lines).toContain('2 run(s) of churn-model in 1 pipeline(s): signalling 2 at 10/s, 0 already Stopping (taken in)');
    expect(lines).toContain('  25 s: signalled 2/2 · draining 1 · ended 1 (Stopped 1) · about 12 s left');
    expect(lines).toContain('  2 min 30 s: signalled 2/2 · draining 0 · ended 2 (Stopped 1, Failed 1) · done');
    expect(io.stdout.join('')).toContain('stop-all churn-model: 2 run(s), 2 signalled, 0 taken in; 1 ended well, 1 did not');
    expect(io.stdout.join('')).toContain(`  FAILED PipelineExecutionFailed: ${PIPELINE_EXECUTION}: Lambda step timed out.`);
  });
});

describe('newHistoryEvents (GetExecutionHistory paging)', () => {
  beforeEach(() => {
    sfn.reset();
  });

  it('reads every page newest first until an event already seen, and returns the new ones oldest first', async () => {
    // Prepare
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [event(250, 'TaskStateExited'), event(249, 'TaskStateEntered')], nextToken: 'page-2' })
      .resolvesOnce({ events: [event(248, 'TaskSucceeded'), event(247, 'TaskStarted')], nextToken: 'page-3' })
      .resolvesOnce({
        events: [event(246, 'TaskScheduled'), event(245, 'TaskStateEntered'), event(244, 'ChoiceStateExited')],
        nextToken: 'page-4',
      });

    // Act
    const events = await newHistoryEvents(new SFNClient({ region: 'eu-west-1' }), EXECUTION, 245, 10);

    // Assess
    expect(events.map((found) => found.id)).toEqual([246, 247, 248, 249, 250]);
    const calls = sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls.map((input) => input.nextToken)).toEqual([undefined, 'page-2', 'page-3']);
    expect(calls.every((input) => input.reverseOrder === true && input.maxResults === 100 && input.includeExecutionData === true)).toBe(
      true,
    );
  });

  it('stops at the page bound even when the history goes on', async () => {
    // Prepare
    let id = 10_000;
    sfn.on(GetExecutionHistoryCommand).callsFake(async () => ({ events: [event((id -= 1), 'TaskStateEntered')], nextToken: 'more' }));

    // Act
    const events = await newHistoryEvents(new SFNClient({ region: 'eu-west-1' }), EXECUTION, 0, 3);

    // Assess
    expect(events).toHaveLength(3);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(3);
  });
});

describe('outcomeOf (DescribeExecution → CLI result)', () => {
  it('names a timed-out or aborted execution, which DescribeExecution gives no error for', () => {
    // Prepare
    const statuses = ['TIMED_OUT', 'ABORTED'] as const;
    // Act
    const outcomes = statuses.map((status) => outcomeOf({ status, $metadata: {} } as never));
    // Assess
    expect(outcomes).toEqual([
      { status: 'FAILED', error: 'States.Timeout', cause: 'The execution timed out (its TimeoutSeconds passed).' },
      { status: 'FAILED', error: 'ExecutionAborted', cause: 'The execution was stopped (aborted) before it finished.' },
    ]);
  });
});

describe('freshExecutionName', () => {
  it('is a new valid execution name on every call', () => {
    // Prepare
    const at = new Date('2026-03-04T05:06:07.890Z');
    // Act
    const names = [freshExecutionName('stop', at), freshExecutionName('stop', at), freshExecutionName('stop-all', at)];
    // Assess
    expect(names[0]).toMatch(/^graceful-stop-cli-20260304T050607Z-[0-9a-f]{6}$/);
    expect(names[0]).not.toBe(names[1]);
    expect(names[2]).toMatch(/^stop-all-cli-20260304T050607Z-/);
    expect(names.every((name) => name.length <= 80 && /^[A-Za-z0-9_-]+$/.test(name))).toBe(true);
  });
});

describe('graceful-stop stop on AWS when AWS cannot be reached', () => {
  beforeEach(() => {
    sfn.reset();
  });

  it.each([
    [
      'CredentialsProviderError',
      'Could not load credentials from any providers',
      'CredentialsMissing',
      /set AWS_PROFILE .* or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    ],
    ['CredentialsProviderError', '{"name":"CredentialsProviderError","tryNextLink":false}', 'CredentialsMissing', /set AWS_PROFILE/],
    ['Error', 'Region is missing', 'RegionMissing', /set AWS_REGION/],
    [
      'Error',
      'getaddrinfo ENOTFOUND states.nowhere-1.amazonaws.com',
      'EndpointNotFound',
      /host name does not resolve; check AWS_REGION and any AWS_ENDPOINT_URL\* variable/,
    ],
  ])('turns %s (%s) into the named failure %s with one readable sentence and a hint, and exits 1', async (thrown, message, name, hint) => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error(message), { name: thrown }));
    const human = captureIO();
    const json = captureIO();

    // Act
    const codes = [
      await runAwsCommand(command(`stop ${PIPELINE_EXECUTION} --state-machine-arn ${MACHINE}`), human, recordingClients(), fakeFollow()),
      await runAwsCommand(
        command(`stop ${PIPELINE_EXECUTION} --state-machine-arn ${MACHINE} --json`),
        json,
        recordingClients(),
        fakeFollow(),
      ),
    ];

    // Assess
    expect(codes).toEqual([1, 1]);
    expect(human.stdout.join('')).toMatch(new RegExp(`^FAILED ${name}: [A-Z][^{}]+\\. \\(hint: `));
    expect(human.stdout.join('')).toMatch(hint);
    const document = JSON.parse(json.stdout.join('')) as { error: string; cause: string };
    expect(Object.keys(document).sort()).toEqual(['cause', 'error']);
    expect(document).toMatchObject({ error: name, cause: expect.stringMatching(hint) });
  });
});

describe('Ctrl-C while following on AWS', () => {
  beforeEach(() => {
    sfn.reset();
  });

  it('says nothing was started before StartExecution, and afterwards that the execution goes on, with its console link', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', output: '{"outcome":"Stopped"}' });
    let notice: (() => string) | undefined;
    let before = '';

    // Act
    await runAwsCommand(
      command(`stop ${PIPELINE_EXECUTION} --state-machine-arn ${MACHINE} --json`),
      captureIO(),
      recordingClients(),
      fakeFollow(),
      (fn) => {
        notice = fn;
        before = fn();
      },
    );

    // Assess
    expect(before).toBe('interrupted before the execution was started on AWS Step Functions: nothing was started.');
    expect(notice?.()).toMatch(
      /^stopped following: execution graceful-stop-cli-\S+ goes on on AWS Step Functions \(nothing was stopped by this Ctrl-C\)\n {2}https:\/\/eu-west-1\.console\.aws\.amazon\.com\/states\/home\?region=eu-west-1#\/v2\/executions\/details\/arn:aws:states:eu-west-1:123456789012:execution:prod-graceful-stop:graceful-stop-cli-1$/,
    );
  });
});

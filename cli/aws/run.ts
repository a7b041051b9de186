/**
 * `stop` and `stop-all` on AWS: resolve the state machine, start and follow it, feed the same
 * progress views as the local mode from the history's state events, and end with the same output
 * and exit codes.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeMapRunCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import type { Command } from '#cli/args.js';
import { hintFor, toCliFailure } from '#cli/failure.js';
import type { CliIO, InterruptOutput } from '#cli/io.js';
import { ProgressView } from '#cli/stop-view.js';
import { exitCodeOf, humanResult } from '#cli/stop-view.js';
import { EXIT, jsonResult, type StopRunOutcome } from '#cli/outcome.js';
import { humanStopAllResult, StopAllProgress, stopAllExitCode } from '#cli/stop-all-view.js';
import { humanOrganizationResult, OrganizationStopProgress, organizationExitCode } from '#cli/organization-view.js';
import {
  DEFAULT_FOLLOW,
  FollowDeadlinePassed,
  freshExecutionName,
  startAndFollow,
  type AwsRunResult,
  type FollowOptions,
} from './follow.js';
import { regionOfArn, stateMachineArnFromStack, type AwsCommandKind } from './stack.js';

export interface AwsTarget {
  stateMachineArn?: string;
  stackName?: string;
}

/** Clients for one command: Step Functions in the state machine's own region. */
export interface AwsClients {
  sfnFor(region: string | undefined): SFNClient;
  cloudFormation(): CloudFormationClient;
}

export const defaultClients: AwsClients = {
  sfnFor: (region) => new SFNClient({ ...BOUNDED_CLIENT_OPTIONS, ...(region ? { region } : {}) }),
  cloudFormation: () => new CloudFormationClient({ ...BOUNDED_CLIENT_OPTIONS }),
};

/** Resolves the target, starts the execution with a fresh name and follows it. */
export async function runOnAws(
  kind: AwsCommandKind,
  target: AwsTarget,
  input: unknown,
  hooks: {
    onStarted?: (executionArn: string, name: string) => void;
    onStateEntered?: (name: string, type: string, input: unknown) => void;
    onStateExited?: (name: string, output: unknown) => void;
    onEvent?: (event: HistoryEvent) => void;
    onPoll?: (sfn: SFNClient) => Promise<void>;
  },
  clients: AwsClients = defaultClients,
  follow: FollowOptions = DEFAULT_FOLLOW,
): Promise<AwsRunResult> {
  const stateMachineArn =
    target.stateMachineArn ?? (await stateMachineArnFromStack(clients.cloudFormation(), target.stackName ?? '', kind));
  const name = freshExecutionName(kind, new Date(follow.now()));
  const sfn = clients.sfnFor(regionOfArn(stateMachineArn));
  return startAndFollow(
    sfn,
    {
      stateMachineArn,
      input,
      name,
      onStarted: (executionArn) => hooks.onStarted?.(executionArn, name),
      ...(hooks.onStateEntered ? { onStateEntered: hooks.onStateEntered } : {}),
      ...(hooks.onStateExited ? { onStateExited: hooks.onStateExited } : {}),
      ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
      ...(hooks.onPoll ? { onPoll: hooks.onPoll } : {}),
    },
    follow,
  );
}

/**
 * Where executions run, in words: the local Step Functions API when the environment points the SDK
 * at one (simulate's exports), else AWS Step Functions - with the console link of the execution,
 * when one is given.
 */
export function whereItRuns(executionArn?: string, env: NodeJS.ProcessEnv = process.env): { service: string; link?: string } {
  const endpoint = env.AWS_ENDPOINT_URL_SFN || env.AWS_ENDPOINT_URL;
  if (endpoint) return { service: `the local Step Functions at ${endpoint}` };
  return { service: 'AWS Step Functions', ...(executionArn ? { link: consoleUrl(executionArn) } : {}) };
}

const linkLine = (link: string | undefined): string => (link ? `\n  ${link}` : '');

/** Where the Step Functions console shows an execution. */
export function consoleUrl(executionArn: string): string {
  const region = regionOfArn(executionArn) ?? 'us-east-1';
  const partition = /^arn:([^:]+):/.exec(executionArn)?.[1] ?? 'aws';
  // The console of each partition has its own host.
  const host =
    partition === 'aws-cn'
      ? `${region}.console.amazonaws.cn`
      : partition === 'aws-us-gov'
        ? 'console.amazonaws-us-gov.com'
        : `${region}.console.aws.amazon.com`;
  return `https://${host}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** One line saying which variable or flag fixes a failure to reach AWS (credentials, region, endpoint), or undefined. */
export function awsErrorHint(error: unknown): string | undefined {
  return hintFor(toCliFailure(error).error);
}

/** An error that kept the command from running or following the execution, in the documented result format. */
function failureOutcome(error: unknown): StopRunOutcome {
  const { error: name, cause } = toCliFailure(error);
  return { status: 'FAILED', error: name, cause };
}

type AwsCommand = Extract<Command, { name: 'stop' | 'stop-all' }>;

/**
 * `graceful-stop stop|stop-all ... --state-machine-arn ARN | --stack-name NAME`:
 * the same progress, result and exit codes as the local mode (0 success,
 * 1 named failure, a failed child, or a stack or output that does not exist).
 */
export async function runAwsCommand(
  command: AwsCommand,
  io: CliIO,
  clients: AwsClients = defaultClients,
  follow: FollowOptions = DEFAULT_FOLLOW,
  onInterrupt?: (notice: () => string, output?: InterruptOutput) => void,
): Promise<number> {
  const sink = { isTTY: io.isTTY, write: (text: string) => io.err(text) };
  const stopView = new ProgressView(sink, true);
  const organization = command.name === 'stop-all' && command.organization === true;
  const view = command.name === 'stop' ? stopView : organization ? new OrganizationStopProgress(sink) : new StopAllProgress(sink, true);
  let started: { executionArn: string; name: string } | undefined;
  let mapRunArn: string | undefined;
  const notice = (): string => {
    if (!started) return `interrupted before the execution was started on ${whereItRuns().service}: nothing was started.`;
    const where = whereItRuns(started.executionArn);
    return `stopped following: execution ${started.name} goes on on ${where.service} (nothing was stopped by this Ctrl-C)${linkLine(where.link)}`;
  };
  onInterrupt?.(notice, { json: command.json, facts: () => (started ? { executionArn: started.executionArn } : {}) });
  let result: AwsRunResult;
  try {
    result = await runOnAws(
      organization ? 'organization-stop' : command.name,
      command,
      command.input,
      {
        onStarted: (executionArn, name) => {
          started = { executionArn, name };
          const where = whereItRuns(executionArn);
          io.err(`started execution ${name} on ${where.service}${linkLine(where.link)}\n`);
        },
        onStateEntered: (name, type, input) => {
          if (view instanceof StopAllProgress) view.onStateEntered(name, input);
          else if (view instanceof OrganizationStopProgress) view.onStateEntered(name);
          else stopView.onStateEntered(name, type);
        },
        onStateExited: (name, output) => view.onStateExited(name, output),
        ...(view instanceof OrganizationStopProgress
          ? {
              // The targets run as a Distributed Map's children, which the parent's history does not hold: their counts come from the Map Run.
              onEvent: (event: HistoryEvent) => {
                mapRunArn = event.mapRunStartedEventDetails?.mapRunArn ?? mapRunArn;
              },
              onPoll: async (sfn: SFNClient) => {
                if (!mapRunArn) return;
                const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
                if (run.executionCounts) view.onMapRun(run.executionCounts);
              },
            }
          : {}),
      },
      clients,
      follow,
    );
  } catch (error) {
    if (error instanceof FollowDeadlinePassed) {
      io.err(`${error.message}\n`);
      return EXIT.namedFailure;
    }
    // Credentials, region, network, the stack: the documented result format, with a hint, and exit 1.
    const outcome = failureOutcome(error);
    io.out(`${command.json ? jsonResult(outcome) : humanResult(outcome)}\n`);
    return EXIT.namedFailure;
  } finally {
    stopView.close();
  }
  if (command.json) io.out(`${jsonResult(result)}\n`);
  else if (organization) io.out(`${humanOrganizationResult(result)}\n`);
  else io.out(`${command.name === 'stop' ? humanResult(result) : humanStopAllResult(result)}\n`);
  if (organization) return organizationExitCode(result);
  return command.name === 'stop' ? exitCodeOf(result) : stopAllExitCode(result);
}

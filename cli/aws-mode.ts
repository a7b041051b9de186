/**
 * The CLI against AWS Step Functions: starts the deployed graceful-stop (or
 * stop-all) state machine, follows it with DescribeExecution and
 * GetExecutionHistory in a bounded poll loop with backoff and a deadline, feeds
 * the same progress views as the local mode from the history's
 * `*StateExited` events, and ends with the same output and exit codes.
 */
import { randomBytes } from 'node:crypto';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { Command } from './args.js';
import { ProgressView } from './progress.js';
import { EXIT, exitCodeOf, humanResult, jsonResult, type StopRunOutcome } from './result-view.js';
import { humanStopAllResult, StopAllProgress, stopAllExitCode } from './stop-all-view.js';
import { NamedError, isErrorNamed } from '../functions/commons/errors.js';
import { BOUNDED_CLIENT_OPTIONS } from '../functions/commons/clients.js';
import { hintFor, toCliFailure } from './failure.js';
import type { CliIO } from './io.js';

/** Which deployed state machine a command runs, and the stack output that names it. */
export const STACK_OUTPUTS = { stop: 'GracefulStopStateMachineArn', 'stop-all': 'StopAllStateMachineArn' } as const;
export type AwsCommandKind = keyof typeof STACK_OUTPUTS;

/** CloudFormation has no such stack in the region (exit 1, like any failure to reach what was named). */
export class StackNotFound extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('StackNotFound', message, cause);
  }
}

/** The stack exists but has no output naming the state machine (an older version of the template). */
export class StackOutputMissing extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('StackOutputMissing', message, cause);
  }
}

/** The follow deadline passed while the execution was still running; it keeps running on AWS. */
export class FollowDeadlinePassed extends NamedError {
  constructor(readonly executionArn: string, deadlineSeconds: number) {
    super(
      'FollowDeadlinePassed',
      `Stopped following ${executionArn} after ${deadlineSeconds} s; it is still RUNNING on AWS Step Functions (aws stepfunctions describe-execution --execution-arn ${executionArn}).`,
    );
  }
}

export interface FollowOptions {
  /** Real milliseconds to follow the execution before giving up (the execution is not stopped). */
  deadlineMs: number;
  /** First interval between polls, and the interval again after new events arrived. */
  initialPollMs: number;
  /** Longest interval between polls. */
  maxPollMs: number;
  /** Growth of the interval while nothing happens. */
  backoff: number;
  /** GetExecutionHistory pages (of 100 events) read per poll at most. */
  maxHistoryPagesPerPoll: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export const DEFAULT_FOLLOW: FollowOptions = {
  deadlineMs: 26 * 60 * 60 * 1000,
  initialPollMs: 1_000,
  maxPollMs: 10_000,
  backoff: 1.5,
  maxHistoryPagesPerPoll: 20,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

export interface AwsRunResult extends StopRunOutcome {
  executionArn: string;
  executionName: string;
  /** The execution's final Step Functions status. */
  executionStatus: string;
}

/** Region of a state machine ARN: the client must call that region whatever the profile says. */
export function regionOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:states:([^:]+):/.exec(arn)?.[1];
}

/** Reads the state machine ARN from the stack's outputs (DescribeStacks). */
export async function stateMachineArnFromStack(cloudFormation: CloudFormationClient, stackName: string, kind: AwsCommandKind): Promise<string> {
  const outputKey = STACK_OUTPUTS[kind];
  let response;
  try {
    response = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    if (isErrorNamed(error, 'ValidationError')) {
      throw new StackNotFound(`CloudFormation has no stack "${stackName}" in this region (${error.message}).`, error);
    }
    throw error;
  }
  const output = response.Stacks?.[0]?.Outputs?.find((candidate) => candidate.OutputKey === outputKey);
  if (!output?.OutputValue) {
    throw new StackOutputMissing(`Stack "${stackName}" has no output ${outputKey}; deploy this version of template.yaml, or pass --state-machine-arn.`);
  }
  return output.OutputValue;
}

/** A fresh execution name (StartExecution names are unique per state machine for 90 days). */
export function freshExecutionName(kind: AwsCommandKind, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${kind === 'stop' ? 'graceful-stop' : 'stop-all'}-cli-${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * The history events newer than `afterId`, oldest first. Reads newest first
 * (reverseOrder) and stops at the first event already seen, so each poll costs
 * one page unless many events arrived; at most `maxPages` pages.
 */
export async function newHistoryEvents(sfn: SFNClient, executionArn: string, afterId: number, maxPages: number): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const response = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 100, includeExecutionData: true, ...(nextToken ? { nextToken } : {}) }),
    );
    const events = response.events ?? [];
    const unseen = events.filter((event) => (event.id ?? 0) > afterId);
    fresh.push(...unseen);
    nextToken = response.nextToken;
    if (!nextToken || unseen.length < events.length) break;
  }
  return fresh.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
}

/** A state's name and parsed output from a `*StateExited` history event (the shape the local engine's StateExited has). */
export function stateExitOf(event: HistoryEvent): { name: string; output: unknown } | undefined {
  if (!event.type?.endsWith('StateExited') || !event.stateExitedEventDetails?.name) return undefined;
  const raw = event.stateExitedEventDetails.output;
  let output: unknown;
  try {
    output = raw === undefined ? undefined : JSON.parse(raw);
  } catch {
    output = undefined;
  }
  return { name: event.stateExitedEventDetails.name, output };
}

const FINISHED_CAUSES: Record<string, string> = {
  TIMED_OUT: 'The execution timed out (its TimeoutSeconds passed).',
  ABORTED: 'The execution was stopped (aborted) before it finished.',
};
const FINISHED_ERRORS: Record<string, string> = { TIMED_OUT: 'States.Timeout', ABORTED: 'ExecutionAborted' };

/** The same outcome shape the local engine gives: output on SUCCEEDED, error and cause otherwise. */
export function outcomeOf(described: DescribeExecutionCommandOutput): StopRunOutcome {
  const status = described.status ?? 'UNKNOWN';
  if (status === 'SUCCEEDED') {
    return { status: 'SUCCEEDED', output: described.output === undefined ? null : (JSON.parse(described.output) as unknown) };
  }
  return {
    status: 'FAILED',
    error: described.error ?? FINISHED_ERRORS[status] ?? 'States.Runtime',
    cause: described.cause ?? FINISHED_CAUSES[status] ?? `The execution ended ${status}.`,
  };
}

export interface StartAndFollowRequest {
  stateMachineArn: string;
  input: unknown;
  name: string;
  onStarted?: (executionArn: string) => void;
  onStateEntered?: (name: string, type: string, input: unknown) => void;
  onStateExited?: (name: string, output: unknown) => void;
}

/** StartExecution, then polls until the execution ends or the deadline passes. */
export async function startAndFollow(sfn: SFNClient, request: StartAndFollowRequest, follow: FollowOptions = DEFAULT_FOLLOW): Promise<AwsRunResult> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: request.stateMachineArn, name: request.name, input: JSON.stringify(request.input) }),
  );
  if (!executionArn) throw new Error('StartExecution returned no executionArn.');
  request.onStarted?.(executionArn);
  const deadline = follow.now() + follow.deadlineMs;
  const maxPolls = Math.ceil(follow.deadlineMs / follow.initialPollMs) + 2;
  let lastSeenId = 0;
  let interval = follow.initialPollMs;
  const emit = (events: HistoryEvent[]): void => {
    for (const event of events) {
      lastSeenId = Math.max(lastSeenId, event.id ?? 0);
      if (event.type?.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) {
        let input: unknown;
        try {
          input = event.stateEnteredEventDetails.input === undefined ? undefined : JSON.parse(event.stateEnteredEventDetails.input);
        } catch {
          input = undefined;
        }
        request.onStateEntered?.(event.stateEnteredEventDetails.name, event.type.replace(/StateEntered$/, ''), input);
      }
      const exit = stateExitOf(event);
      if (exit) request.onStateExited?.(exit.name, exit.output);
    }
  };
  for (let poll = 0; poll < maxPolls; poll += 1) {
    const fresh = await newHistoryEvents(sfn, executionArn, lastSeenId, follow.maxHistoryPagesPerPoll);
    emit(fresh);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING' && described.status !== 'PENDING_REDRIVE') {
      emit(await newHistoryEvents(sfn, executionArn, lastSeenId, follow.maxHistoryPagesPerPoll));
      return { ...outcomeOf(described), executionArn, executionName: request.name, executionStatus: described.status ?? 'UNKNOWN' };
    }
    const left = deadline - follow.now();
    if (left <= 0) break;
    // Back to the shortest interval while events arrive; longer and longer while nothing happens.
    if (fresh.length > 0) interval = follow.initialPollMs;
    await follow.sleep(Math.min(interval, left));
    interval = Math.min(follow.maxPollMs, interval * follow.backoff);
  }
  throw new FollowDeadlinePassed(executionArn, Math.round(follow.deadlineMs / 1000));
}

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
  },
  clients: AwsClients = defaultClients,
  follow: FollowOptions = DEFAULT_FOLLOW,
): Promise<AwsRunResult> {
  const stateMachineArn = target.stateMachineArn ?? (await stateMachineArnFromStack(clients.cloudFormation(), target.stackName ?? '', kind));
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
    },
    follow,
  );
}

/** Where the Step Functions console shows an execution. */
export function consoleUrl(executionArn: string): string {
  const region = regionOfArn(executionArn) ?? 'us-east-1';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

export type { CliIO } from './io.js';

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
  onInterrupt?: (notice: () => string) => void,
): Promise<number> {
  const sink = { isTTY: io.isTTY, write: (text: string) => io.err(text) };
  const stopView = new ProgressView(sink, true);
  const view = command.name === 'stop' ? stopView : new StopAllProgress(sink, true);
  let started: { executionArn: string; name: string } | undefined;
  onInterrupt?.(() =>
    started
      ? `stopped following: execution ${started.name} goes on on AWS Step Functions (nothing was stopped by this Ctrl-C)\n  ${consoleUrl(started.executionArn)}`
      : 'interrupted before the execution was started on AWS Step Functions: nothing was started.',
  );
  let result: AwsRunResult;
  try {
    result = await runOnAws(
      command.name,
      command,
      command.input,
      {
        onStarted: (executionArn, name) => {
          started = { executionArn, name };
          io.err(`started execution ${name} on AWS Step Functions\n  ${consoleUrl(executionArn)}\n`);
        },
        onStateEntered: (name, type, input) => {
          if (view instanceof StopAllProgress) view.onStateEntered(name, input);
          else stopView.onStateEntered(name, type);
        },
        onStateExited: (name, output) => view.onStateExited(name, output),
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
  else io.out(`${command.name === 'stop' ? humanResult(result) : humanStopAllResult(result)}\n`);
  return command.name === 'stop' ? exitCodeOf(result) : stopAllExitCode(result);
}

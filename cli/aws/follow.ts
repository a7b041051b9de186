/**
 * Following an execution on AWS Step Functions: StartExecution with a fresh name, then
 * DescribeExecution and every new page of GetExecutionHistory in a bounded poll loop with backoff
 * and a deadline, handing each state's entry and exit to the caller.
 */
import { randomBytes } from 'node:crypto';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { NamedError } from '#commons/errors.js';
import type { StopRunOutcome } from '#cli/outcome.js';
import type { AwsCommandKind } from './stack.js';

/** The follow deadline passed while the execution was still running; it keeps running on AWS. */
export class FollowDeadlinePassed extends NamedError {
  constructor(
    readonly executionArn: string,
    deadlineSeconds: number,
  ) {
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

/** A fresh execution name (StartExecution names are unique per state machine for 90 days). */
export function freshExecutionName(kind: AwsCommandKind, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${kind === 'stop' ? 'graceful-stop' : kind}-cli-${stamp}-${randomBytes(3).toString('hex')}`;
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
      new GetExecutionHistoryCommand({
        executionArn,
        reverseOrder: true,
        maxResults: 100,
        includeExecutionData: true,
        ...(nextToken ? { nextToken } : {}),
      }),
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
  /** Every history event, as it is read (a Map Run's start names the run whose children hold the work). */
  onEvent?: (event: HistoryEvent) => void;
  /** After each poll of a running execution, before the wait: one more paced look (a Map Run's counts). */
  onPoll?: (sfn: SFNClient) => Promise<void>;
}

/** StartExecution, then polls until the execution ends or the deadline passes. */
export async function startAndFollow(
  sfn: SFNClient,
  request: StartAndFollowRequest,
  follow: FollowOptions = DEFAULT_FOLLOW,
): Promise<AwsRunResult> {
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
      request.onEvent?.(event);
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
    await request.onPoll?.(sfn);
    const left = deadline - follow.now();
    if (left <= 0) break;
    // Back to the shortest interval while events arrive; longer and longer while nothing happens.
    if (fresh.length > 0) interval = follow.initialPollMs;
    await follow.sleep(Math.min(interval, left));
    interval = Math.min(follow.maxPollMs, interval * follow.backoff);
  }
  throw new FollowDeadlinePassed(executionArn, Math.round(follow.deadlineMs / 1000));
}

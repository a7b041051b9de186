/**
 * The orphan guard: a Step Functions execution of a chosen state machine ended ABORTED, TIMED_OUT
 * or FAILED, and the SageMaker runs it started may still run - nothing propagates the cancel. Its
 * history (every page) names them: the results of its `aws-sdk:sagemaker:startPipelineExecution`
 * tasks. Each that still runs gets a graceful stop whose reason names the parent execution.
 */
import { DescribePipelineExecutionCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import type { Clock } from '#commons/clock.js';
import { NamedError } from '#commons/errors.js';
import { matchesGlob } from '#commons/glob.js';
import { createPacer } from '#commons/pacer.js';
import { parseWorkflowEnd, type WorkflowEnd } from '#pipeline-runs/run-events.js';
import { isNotFoundError } from '#pipeline-runs/sagemaker-errors.js';
import { startGracefulStop } from '#stop-records/start-graceful-stop.js';
import { MAX_REASON_LENGTH } from '#commons/validation.js';
import { parsePipelineExecutionArn } from '#pipeline-runs/execution-arn.js';

/** 25,000 events (Step Functions' limit for one execution) at 1,000 a page, and a margin. */
export const MAX_HISTORY_PAGES = 30;
/** Calls a second to Step Functions and SageMaker: under GetExecutionHistory's refill of 5 a second. */
export const GUARD_CALLS_PER_SECOND = 4;
/** A parent that started more runs than this is reported, not stopped past it (one invocation's work). */
export const MAX_RUNS_PER_PARENT = 200;

/** The history has more pages than Step Functions keeps for one execution: something is wrong with it. */
export class HistoryTooLong extends NamedError {
  constructor(executionArn: string) {
    super(
      'HistoryTooLong',
      `The history of ${executionArn} goes on past ${MAX_HISTORY_PAGES} pages of 1,000 events; expected at most 25,000 events.`,
    );
  }
}

export interface GuardDependencies {
  sfn: SFNClient;
  sagemaker: SageMakerClient;
  clock: Clock;
  gracefulStopStateMachineArn: string;
  /** The deployment's PipelineNamePattern: runs outside it are not ours to stop. */
  pipelineNamePattern: string;
}

export type OrphanAction = 'Stopping' | 'AlreadyStopping' | 'NotRunning' | 'NotFound' | 'OutsidePipelineNamePattern';

export interface OrphanReport {
  parentExecutionArn: string;
  parentStatus: WorkflowEnd['status'];
  /** History events read, and pages. */
  historyEvents: number;
  runs: Array<{ pipelineExecutionArn: string; action: OrphanAction; status?: string; gracefulStopExecutionArn?: string }>;
  /** startPipelineExecution tasks without a result (the parent ended while the call was in flight): their runs are unknown. */
  unansweredStarts: number;
  /** Runs past MAX_RUNS_PER_PARENT, not looked at. */
  notLookedAt: number;
}

const isStartPipelineExecution = (resourceType: string | undefined, resource: string | undefined): boolean =>
  resourceType === 'aws-sdk:sagemaker' &&
  (resource === 'startPipelineExecution' || resource?.startsWith('startPipelineExecution.') === true);

/** The pipeline execution ARNs that the history's startPipelineExecution tasks returned, in order, once each. */
export function startedRunsOf(events: readonly HistoryEvent[]): { arns: string[]; unanswered: number } {
  const scheduled = new Set<number>();
  const answered = new Set<number>();
  const arns: string[] = [];
  const byId = new Map(events.map((event) => [event.id ?? 0, event]));
  for (const event of events) {
    const details = event.taskScheduledEventDetails;
    if (event.type === 'TaskScheduled' && isStartPipelineExecution(details?.resourceType, details?.resource)) scheduled.add(event.id ?? 0);
    const succeeded = event.taskSucceededEventDetails;
    if (event.type !== 'TaskSucceeded' || !isStartPipelineExecution(succeeded?.resourceType, succeeded?.resource)) continue;
    // Each task event's previousEventId leads back, through TaskStarted, to its TaskScheduled.
    for (let id = event.previousEventId; id !== undefined && id > 0; id = byId.get(id)?.previousEventId) {
      if (scheduled.has(id)) {
        answered.add(id);
        break;
      }
    }
    let arn: unknown;
    try {
      arn = (JSON.parse(succeeded?.output ?? 'null') as { PipelineExecutionArn?: unknown } | null)?.PipelineExecutionArn;
    } catch {
      arn = undefined;
    }
    if (typeof arn === 'string' && !arns.includes(arn)) arns.push(arn);
  }
  return { arns, unanswered: Math.max(0, scheduled.size - answered.size) };
}

async function readHistory(parent: string, deps: GuardDependencies, pace: () => Promise<void>): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page += 1) {
    await pace();
    const response = await deps.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: parent, maxResults: 1000, includeExecutionData: true, nextToken }),
    );
    events.push(...(response.events ?? []));
    nextToken = response.nextToken;
    if (!nextToken) return events;
  }
  throw new HistoryTooLong(parent);
}

export const orphanReasonOf = (parent: WorkflowEnd): string =>
  `Its parent workflow ended ${parent.status}: ${parent.executionArn}`.slice(0, MAX_REASON_LENGTH);

export async function stopOrphanedRuns(event: unknown, deps: GuardDependencies): Promise<OrphanReport> {
  const parent = parseWorkflowEnd(event);
  const pacer = createPacer(GUARD_CALLS_PER_SECOND, deps.clock);
  const pace = () => pacer.take();
  const history = await readHistory(parent.executionArn, deps, pace);
  const { arns, unanswered } = startedRunsOf(history);
  const report: OrphanReport = {
    parentExecutionArn: parent.executionArn,
    parentStatus: parent.status,
    historyEvents: history.length,
    runs: [],
    unansweredStarts: unanswered,
    notLookedAt: Math.max(0, arns.length - MAX_RUNS_PER_PARENT),
  };
  for (const pipelineExecutionArn of arns.slice(0, MAX_RUNS_PER_PARENT)) {
    const { pipelineName } = parsePipelineExecutionArn(pipelineExecutionArn, 'the started run');
    if (!matchesGlob(deps.pipelineNamePattern.toLowerCase(), pipelineName.toLowerCase())) {
      report.runs.push({ pipelineExecutionArn, action: 'OutsidePipelineNamePattern' });
      continue;
    }
    await pace();
    let status: string;
    try {
      const described = await deps.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: pipelineExecutionArn }));
      status = described.PipelineExecutionStatus ?? 'Executing';
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
      report.runs.push({ pipelineExecutionArn, action: 'NotFound' });
      continue;
    }
    if (status !== 'Executing') {
      report.runs.push({ pipelineExecutionArn, action: status === 'Stopping' ? 'AlreadyStopping' : 'NotRunning', status });
      continue;
    }
    await pace();
    const started = await startGracefulStop(deps.sfn, deps.gracefulStopStateMachineArn, 'orphan', {
      pipelineExecutionArn,
      reason: orphanReasonOf(parent),
    });
    report.runs.push({
      pipelineExecutionArn,
      action: started.started ? 'Stopping' : 'AlreadyStopping',
      status,
      gracefulStopExecutionArn: started.executionArn,
    });
  }
  return report;
}

/**
 * A pipeline's limit of concurrent runs (its tag graceful-stop:max-concurrent-runs), enforced when
 * one of its runs enters Executing: its Executing runs are ordered oldest first (start time, then
 * ARN), the first `limit` kept and each one beyond stopped gracefully. Every event of the pipeline
 * makes the same choice from the same runs, and each stop's name derives from its run (Step
 * Functions refuses a second execution of one name): two runs starting at once never both survive
 * a limit of one, and never both get stopped; a repeated or late event stops nothing twice.
 */
import { ListPipelineExecutionsCommand, type PipelineExecutionSummary, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { matchesGlob } from '#commons/glob.js';
import type { Pacer } from '#commons/pacer.js';
import { parseRunStatusChange } from '#pipeline-runs/run-events.js';
import { startGracefulStop } from '#stop-records/start-graceful-stop.js';
import { POLICY_TAGS, policyOfTags, readPipelineTags, type TagProblem } from '#pipeline-runs/tag-policy.js';

/** Pages of 100 runs read at most (SageMaker's quota keeps a pipeline's Executing runs far fewer). */
export const MAX_EXECUTION_PAGES = 10;

export interface LimitDependencies {
  sagemaker: SageMakerClient;
  sfn: SFNClient;
  gracefulStopStateMachineArn: string;
  /** The deployment's PipelineNamePattern: runs outside it are not this stack's to stop. */
  pipelineNamePattern: string;
  /** Paces every SageMaker call of one invocation. */
  pacer: Pacer;
}

export type LimitAction = 'Kept' | 'Stopping' | 'AlreadyStopping';

export interface LimitReport {
  pipelineName: string;
  /** The run whose Executing event this is. */
  pipelineExecutionArn: string;
  /** The limit the pipeline's tag sets; absent when it sets none (or a bad one: see problems). */
  limit?: number;
  problems: TagProblem[];
  /** Runs Executing when they were listed. */
  executing: number;
  decisions: Array<{ pipelineExecutionArn: string; action: LimitAction; gracefulStopExecutionArn?: string }>;
  /** Why nothing was looked at: outside the pattern, or not an Executing event. */
  skipped?: 'OutsidePipelineNamePattern' | 'NotExecuting';
}

const pipelineArnOf = (pipelineExecutionArn: string): string => pipelineExecutionArn.slice(0, pipelineExecutionArn.indexOf('/execution/'));

/** A pipeline's Executing runs, oldest first (start time, then ARN): every event orders them the same way. */
export const oldestFirst = (runs: readonly PipelineExecutionSummary[]): PipelineExecutionSummary[] =>
  [...runs].sort(
    (a, b) =>
      (a.StartTime?.getTime() ?? 0) - (b.StartTime?.getTime() ?? 0) ||
      ((a.PipelineExecutionArn ?? '') < (b.PipelineExecutionArn ?? '') ? -1 : 1),
  );

/** The runs a limit of `limit` stops: the newest beyond it. */
export const beyondLimit = (runs: readonly PipelineExecutionSummary[], limit: number): PipelineExecutionSummary[] =>
  oldestFirst(runs).slice(limit);

/** A pipeline's Executing runs, every page (at most MAX_EXECUTION_PAGES), each call paced; oldest first. */
export async function executingRuns(
  sagemaker: SageMakerClient,
  pipelineName: string,
  pace: () => Promise<void>,
): Promise<PipelineExecutionSummary[]> {
  const runs: PipelineExecutionSummary[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_EXECUTION_PAGES; page += 1) {
    await pace();
    const listed = await sagemaker.send(
      new ListPipelineExecutionsCommand({
        PipelineName: pipelineName,
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: 100,
        NextToken: nextToken,
      }),
    );
    runs.push(
      ...(listed.PipelineExecutionSummaries ?? []).filter((run) => run.PipelineExecutionStatus === 'Executing' && run.PipelineExecutionArn),
    );
    nextToken = listed.NextToken;
    if (!nextToken) break;
  }
  return oldestFirst(runs);
}

export async function limitConcurrentRuns(event: unknown, deps: LimitDependencies): Promise<LimitReport> {
  const change = parseRunStatusChange(event);
  const base = {
    pipelineName: change.pipelineName,
    pipelineExecutionArn: change.pipelineExecutionArn,
    problems: [],
    executing: 0,
    decisions: [],
  };
  if (change.status !== 'Executing') return { ...base, skipped: 'NotExecuting' };
  if (!matchesGlob(deps.pipelineNamePattern, change.pipelineName)) return { ...base, skipped: 'OutsidePipelineNamePattern' };
  const tags = await readPipelineTags(deps.sagemaker, pipelineArnOf(change.pipelineExecutionArn), () => deps.pacer.take());
  const { policy, problems } = policyOfTags(tags);
  const limit = policy.maxConcurrentRuns;
  if (limit === undefined) return { ...base, problems };
  const runs = await executingRuns(deps.sagemaker, change.pipelineName, () => deps.pacer.take());
  const reason = `pipeline limit ${POLICY_TAGS.maxConcurrentRuns}=${limit}: ${runs.length} runs were executing`;
  const decisions: LimitReport['decisions'] = [];
  for (const [index, run] of runs.entries()) {
    const arn = run.PipelineExecutionArn as string;
    if (index < limit) {
      decisions.push({ pipelineExecutionArn: arn, action: 'Kept' });
      continue;
    }
    const stop = await startGracefulStop(deps.sfn, deps.gracefulStopStateMachineArn, 'limit', {
      pipelineExecutionArn: arn,
      reason,
      ...(policy.graceSeconds === undefined ? {} : { releaseCallbacksAfterSeconds: policy.graceSeconds }),
    });
    decisions.push({
      pipelineExecutionArn: arn,
      action: stop.started ? 'Stopping' : 'AlreadyStopping',
      gracefulStopExecutionArn: stop.executionArn,
    });
  }
  return { ...base, limit, problems, executing: runs.length, decisions };
}

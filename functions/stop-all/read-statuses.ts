/** The sweep's read: every live run's status in bulk, and a run no longer listed counted as vanished. */
import { ListPipelineExecutionsCommand, type PipelineExecutionSummary } from '@aws-sdk/client-sagemaker';
import { clip } from '#commons/text.js';
import { isTerminalStatus, type ExecutionStatus } from '#pipeline-runs/pipeline-execution.js';
import { isNotFoundError } from '#pipeline-runs/sagemaker-errors.js';
import { isEnded } from './fleet-progress.js';
import { MAX_LISTING_PAGES, PAGE_SIZE } from './limits.js';
import type { FleetLedger, FleetRun } from './model.js';
import { CAUSE_LENGTH, type Call, type SweepDependencies } from './sweep-dependencies.js';

/** Complete sweeps that must miss a run before it counts as vanished. */
const MISSES_BEFORE_NOT_FOUND = 2;
/** Reads every live run's status: one ListPipelineExecutions page per 100 runs of a pipeline, within the live runs' window. */
export async function readStatuses(ledger: FleetLedger, deps: SweepDependencies, call: Call): Promise<void> {
  const live = ledger.runs.filter((run) => !isEnded(run));
  const byPipeline = new Map<string, FleetRun[]>();
  for (const run of live) {
    const runs = byPipeline.get(run.pipelineName);
    if (runs) runs.push(run);
    else byPipeline.set(run.pipelineName, [run]);
  }
  for (const [pipelineName, runs] of byPipeline) {
    const byArn = new Map(runs.map((run) => [run.arn, run]));
    const starts = runs.map((run) => run.startedAt);
    const oldest = starts.includes(null) ? undefined : Math.min(...(starts as number[]));
    const seen = new Set<string>();
    let nextToken: string | undefined;
    let pages = 0;
    try {
      do {
        await call('ListPipelineExecutions');
        const page = await deps.sagemaker.send(
          new ListPipelineExecutionsCommand({
            PipelineName: pipelineName,
            // The window of the live runs: from just before the oldest to the listing.
            ...(oldest === undefined ? {} : { CreatedAfter: new Date(oldest - 1000) }),
            CreatedBefore: new Date(ledger.listedAt),
            SortBy: 'CreationTime',
            SortOrder: 'Ascending',
            MaxResults: PAGE_SIZE,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        pages += 1;
        for (const summary of page.PipelineExecutionSummaries ?? []) {
          const run = summary.PipelineExecutionArn ? byArn.get(summary.PipelineExecutionArn) : undefined;
          if (run) {
            seen.add(run.arn);
            observe(run, summary, deps.clock.now());
          }
        }
        nextToken = page.NextToken;
      } while (nextToken && pages < MAX_LISTING_PAGES);
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
      for (const run of runs)
        run.error = { name: 'PipelineExecutionNotFound', cause: `SageMaker no longer knows pipeline ${pipelineName} (was it deleted?).` };
      continue;
    }
    if (nextToken) continue; // Not every page was read: a run not seen may be on the next one.
    for (const run of runs) {
      if (seen.has(run.arn)) delete run.missed;
      else if ((run.missed = (run.missed ?? 0) + 1) >= MISSES_BEFORE_NOT_FOUND) {
        run.error = {
          name: 'PipelineExecutionNotFound',
          cause: `SageMaker no longer lists pipeline execution ${run.arn} (was the pipeline deleted?).`,
        };
      }
    }
  }
}

function observe(run: FleetRun, summary: PipelineExecutionSummary, now: number): void {
  const status = (summary.PipelineExecutionStatus ?? run.status) as ExecutionStatus;
  // The first sight after a refused signal says whose stop it was: another's (Stopping) or none (ended).
  // SageMaker said it was no longer Executing: an Executing status is a page read before that.
  if (run.signal?.result === 'NotExecuting' && run.statusAtStop === undefined && status !== 'Executing') run.statusAtStop = status;
  run.status = status;
  if (summary.PipelineExecutionFailureReason) run.failureReason = clip(summary.PipelineExecutionFailureReason, CAUSE_LENGTH);
  if (isTerminalStatus(status) && run.endedAt === undefined) run.endedAt = now;
}

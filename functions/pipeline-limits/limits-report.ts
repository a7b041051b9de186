/**
 * What each pipeline's tags make its limits, and what they would stop now: its runs past its
 * maximum runtime (its own, or the deployment's unless it is exempt) and its runs beyond its limit
 * of concurrent runs (the newest, as the rule chooses them). What `graceful-stop limits --dry-run`
 * shows; it stops nothing.
 */
import { ListPipelinesCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { matchesGlob } from '#commons/glob.js';
import type { Pacer } from '#commons/pacer.js';
import { POLICY_TAGS, policyOfTags, readPipelineTags, type PipelinePolicy, type TagProblem } from '#pipeline-runs/tag-policy.js';
import { beyondLimit, executingRuns } from './limit-concurrent-runs.logic.js';

/** Pipelines looked at, at most, and pages of ListPipelines read, at most (100 a page). */
export const MAX_PIPELINES = 1_000;
export const MAX_PIPELINE_PAGES = 100;

export interface WouldStop {
  pipelineExecutionArn: string;
  why: 'MaxRuntime' | 'MaxConcurrentRuns';
  tag: string;
}

export interface PipelineLimits {
  pipelineName: string;
  policy: PipelinePolicy;
  problems: TagProblem[];
  executing: number;
  wouldStop: WouldStop[];
}

export async function limitsReport(
  sagemaker: SageMakerClient,
  options: { pattern: string; deploymentMaxRuntimeSeconds?: number; now: number; pacer: Pacer },
): Promise<PipelineLimits[]> {
  const pipelines: Array<{ name: string; arn: string }> = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    pages += 1;
    await options.pacer.take();
    const page = await sagemaker.send(new ListPipelinesCommand({ MaxResults: 100, NextToken: nextToken }));
    for (const summary of page.PipelineSummaries ?? [])
      if (summary.PipelineName && summary.PipelineArn && matchesGlob(options.pattern, summary.PipelineName))
        pipelines.push({ name: summary.PipelineName, arn: summary.PipelineArn });
    nextToken = page.NextToken;
  } while (nextToken && pipelines.length < MAX_PIPELINES && pages < MAX_PIPELINE_PAGES);
  const report: PipelineLimits[] = [];
  for (const pipeline of pipelines.sort((a, b) => a.name.localeCompare(b.name))) {
    const tags = await readPipelineTags(sagemaker, pipeline.arn, () => options.pacer.take());
    const { policy, problems } = policyOfTags(tags);
    const executing = await executingRuns(sagemaker, pipeline.name, () => options.pacer.take());
    const wouldStop: WouldStop[] = [];
    const maxRuntime = policy.maxRuntimeSeconds ?? (policy.exempt ? undefined : options.deploymentMaxRuntimeSeconds);
    const runtimeTag = policy.maxRuntimeSeconds === undefined ? 'GuardMaxRuntimeSeconds' : POLICY_TAGS.maxRuntime;
    for (const run of executing) {
      const started = run.StartTime?.getTime();
      if (maxRuntime !== undefined && started !== undefined && options.now - started > maxRuntime * 1000)
        wouldStop.push({ pipelineExecutionArn: run.PipelineExecutionArn as string, why: 'MaxRuntime', tag: runtimeTag });
    }
    if (policy.maxConcurrentRuns !== undefined)
      for (const run of beyondLimit(executing, policy.maxConcurrentRuns))
        if (!wouldStop.some((stop) => stop.pipelineExecutionArn === run.PipelineExecutionArn))
          wouldStop.push({
            pipelineExecutionArn: run.PipelineExecutionArn as string,
            why: 'MaxConcurrentRuns',
            tag: POLICY_TAGS.maxConcurrentRuns,
          });
    report.push({ pipelineName: pipeline.name, policy, problems, executing: executing.length, wouldStop });
  }
  return report;
}

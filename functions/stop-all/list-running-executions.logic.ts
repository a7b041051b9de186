import {
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  type PipelineExecutionSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Clock } from '#commons/clock.js';
import { InvalidInput, PipelineNotFound } from '#commons/errors.js';
import { isNotFoundError } from '#commons/sagemaker-errors.js';
import { matchesGlob, parseStopAllRequest } from './stop-all-request.js';
import type { ListingCursor, ListingLimits, RunningListing, StopAllLoopState } from './model.js';


export const BATCH_SIZE = 100;
export const MAX_LISTING_PAGES = 100;
const PAGE_SIZE = 100;

const startedAt = (summary: PipelineExecutionSummary): number | undefined => summary.StartTime?.getTime();

/** Every page of ListPipelines narrowed by the pattern's literal prefix, then matched whole. */
async function pipelinesMatching(sagemaker: SageMakerClient, pattern: string, maxPages: number): Promise<{ names: string[]; complete: boolean; pages: number }> {
  // SageMaker's PipelineNamePrefix must itself look like a name (no trailing hyphen): narrow by what does.
  const prefix = (pattern.split('*')[0] ?? '').replace(/-+$/, '');
  const names: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await sagemaker.send(
      new ListPipelinesCommand({ MaxResults: PAGE_SIZE, ...(prefix ? { PipelineNamePrefix: prefix } : {}), ...(nextToken ? { NextToken: nextToken } : {}) }),
    );
    pages += 1;
    for (const summary of page.PipelineSummaries ?? []) if (summary.PipelineName && matchesGlob(pattern, summary.PipelineName)) names.push(summary.PipelineName);
    nextToken = page.NextToken;
  } while (nextToken && pages < maxPages);
  return { names: [...new Set(names)].sort(), complete: !nextToken, pages };
}

/** Every page (at most `maxPages`) of one pipeline's executions, newest first. */
async function executionsOf(sagemaker: SageMakerClient, pipelineName: string, maxPages: number): Promise<{ summaries: PipelineExecutionSummary[]; complete: boolean; pages: number }> {
  const summaries: PipelineExecutionSummary[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    let page;
    try {
      page = await sagemaker.send(
        new ListPipelineExecutionsCommand({ PipelineName: pipelineName, SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: PAGE_SIZE, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
    } catch (error) {
      if (isNotFoundError(error)) {
        throw new PipelineNotFound(`SageMaker has no pipeline named "${pipelineName}" in this account and region; check the name (not the ARN or display name).`, error);
      }
      throw error;
    }
    pages += 1;
    summaries.push(...(page.PipelineExecutionSummaries ?? []));
    nextToken = page.NextToken;
  } while (nextToken && pages < maxPages);
  return { summaries, complete: !nextToken, pages };
}

const isAfter = (summary: { at: number; arn: string }, cursor: ListingCursor['after']): boolean =>
  !cursor || summary.at > cursor.startedAt || (summary.at === cursor.startedAt && summary.arn > cursor.pipelineExecutionArn);

/**
 * Lists the running executions of the selected pipelines (every page) and
 * returns the next batch: Executing runs started at least `olderThanSeconds`
 * ago and before the first listing, after the cursor, oldest first.
 */
export async function listRunningExecutions(
  state: StopAllLoopState,
  deps: { sagemaker: SageMakerClient; clock: Clock; limits: ListingLimits; scope: string },
): Promise<StopAllLoopState & { listing: RunningListing }> {
  const request = state.request ?? parseStopAllRequest(state.raw, deps.scope);
  const now = deps.clock.now();
  const cursor: ListingCursor = state.cursor ?? { startedBefore: new Date(now).toISOString() };
  const startedBefore = Date.parse(cursor.startedBefore);
  // Ages count at the first listing, for every batch: what the run saw then is what it stops.
  const threshold = startedBefore - request.olderThanSeconds * 1000;
  let scanComplete = true;
  let pagesRead = 0;
  let names: string[];
  if (request.pipelineNamePattern !== undefined) {
    const matched = await pipelinesMatching(deps.sagemaker, request.pipelineNamePattern, deps.limits.maxPages);
    names = matched.names;
    scanComplete = matched.complete;
    pagesRead += matched.pages;
  } else {
    names = request.pipelineNames ?? (request.pipelineName ? [request.pipelineName] : []);
  }
  if (names.length === 0 && request.pipelineNamePattern === undefined) throw new InvalidInput('The request names no pipeline.');

  const qualifying: Array<{ at: number; arn: string; pipelineName: string; started?: number }> = [];
  let tooRecent = 0;
  let scanned = 0;
  for (const pipelineName of names) {
    const listed = await executionsOf(deps.sagemaker, pipelineName, deps.limits.maxPages);
    pagesRead += listed.pages;
    scanComplete &&= listed.complete;
    scanned += listed.summaries.length;
    for (const summary of listed.summaries) {
      if (summary.PipelineExecutionStatus !== 'Executing' || !summary.PipelineExecutionArn) continue;
      const started = startedAt(summary);
      if (started !== undefined && started >= startedBefore) continue;
      // A run without a start time has an unknown age: it only qualifies when every age does.
      const oldEnough = request.olderThanSeconds === 0 || (started !== undefined && started <= threshold);
      if (!oldEnough) {
        tooRecent += 1;
        continue;
      }
      const entry = { at: started ?? 0, arn: summary.PipelineExecutionArn, pipelineName, ...(started === undefined ? {} : { started }) };
      if (isAfter(entry, cursor.after)) qualifying.push(entry);
    }
  }
  qualifying.sort((a, b) => a.at - b.at || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));

  const taken = (state.totals?.attempted ?? 0) + (state.totals?.wouldStopCount ?? 0);
  const capacity = Math.max(0, deps.limits.maxItems - taken);
  const batch = qualifying.slice(0, Math.min(deps.limits.batchSize, capacity));
  const remaining = qualifying.length - batch.length;
  const more = remaining > 0 && capacity - batch.length > 0;
  const last = batch.at(-1);
  const listing: RunningListing = {
    request,
    listedAt: new Date(now).toISOString(),
    pipelines: names.length,
    scanned,
    pagesRead,
    scanComplete,
    running: qualifying.length,
    items: batch.map((entry) => ({
      pipelineExecutionArn: entry.arn,
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      ...(request.maxWaitSeconds === undefined ? {} : { maxWaitSeconds: request.maxWaitSeconds }),
      ...(request.releaseCallbacksAfterSeconds === undefined ? {} : { releaseCallbacksAfterSeconds: request.releaseCallbacksAfterSeconds }),
    })),
    batch: batch.map((entry) => ({
      pipelineName: entry.pipelineName,
      pipelineExecutionArn: entry.arn,
      startedAt: entry.started === undefined ? null : new Date(entry.started).toISOString(),
      ageSeconds: entry.started === undefined ? null : Math.round((now - entry.started) / 1000),
    })),
    remaining,
    more,
    omitted: more ? 0 : remaining,
    tooRecent,
    cursor: { startedBefore: cursor.startedBefore, ...(last ? { after: { startedAt: last.at, pipelineExecutionArn: last.arn } } : cursor.after ? { after: cursor.after } : {}) },
  };
  return { ...state, request, cursor, listing };
}


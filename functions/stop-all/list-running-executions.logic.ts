import { ListPipelineExecutionsCommand, type PipelineExecutionSummary, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Clock } from '../commons/clock.js';
import { InvalidInput, PipelineNotFound } from '../commons/errors.js';
import {
  MAX_WAIT_SECONDS_LIMIT,
  PIPELINE_NAME,
  describeValue,
  readInteger,
  isPlainObject,
  readReason,
  rejectUnknownKeys,
} from '../commons/validation.js';
import { isNotFoundError } from '../commons/sagemaker-errors.js';

/** The stop-all input contract: which pipeline, which of its runs, how many graceful stops at once. */
export interface StopAllRequest {
  pipelineName: string;
  /** Only runs started at least this long ago (0 = every running execution). */
  olderThanSeconds: number;
  /** Graceful stops running at the same time (the Map's MaxConcurrencyPath). */
  maxConcurrency: number;
  /** Passed on to every graceful stop. */
  reason?: string;
  maxWaitSeconds?: number;
}

/** One graceful-stop input, as the Map hands it to the graceful-stop state machine. */
export interface ChildInput {
  pipelineExecutionArn: string;
  reason?: string;
  maxWaitSeconds?: number;
}

/** What List Running Executions returns: the items to stop, and how complete that list is. */
export interface RunningListing {
  request: StopAllRequest;
  listedAt: string;
  /** Execution summaries read, of any status. */
  scanned: number;
  pagesRead: number;
  /** False when the page bound stopped the listing before the last page: older runs were not seen. */
  scanComplete: boolean;
  /** Executing runs old enough, found in the pages read. */
  running: number;
  /** Oldest first, at most `limits.maxItems`. */
  items: ChildInput[];
  /** Running executions left out by the cap (`running - items.length`): run stop-all again for them. */
  omitted: number;
  /** Executing runs younger than `olderThanSeconds`, left running. */
  tooRecent: number;
}

export interface ListingLimits {
  /** At most this many graceful stops per stop-all run (keeps the Map's results under the 256 KB payload limit). */
  maxItems: number;
  /** At most this many ListPipelineExecutions pages of 100. */
  maxPages: number;
}

export const DEFAULT_MAX_CONCURRENCY = 5;
export const MAX_CONCURRENCY_LIMIT = 40;
export const MAX_OLDER_THAN_SECONDS = 31_536_000;
export const MAX_LISTING_PAGES = 100;
const PAGE_SIZE = 100;
const ALLOWED_KEYS = ['pipelineName', 'olderThanSeconds', 'maxConcurrency', 'reason', 'maxWaitSeconds'] as const;

/** Validates and normalises the stop-all input. Throws InvalidInput with one sentence saying what is wrong. */
export function parseStopAllRequest(raw: unknown): StopAllRequest {
  if (!isPlainObject(raw)) throw new InvalidInput(`The input is ${describeValue(raw)}; expected a JSON object with pipelineName.`);
  rejectUnknownKeys(raw, ALLOWED_KEYS);
  const { pipelineName } = raw;
  if (typeof pipelineName === 'string' && pipelineName.startsWith('arn:')) {
    throw new InvalidInput(`pipelineName is an ARN; expected the pipeline's name (what follows "pipeline/" in its ARN).`);
  }
  if (typeof pipelineName !== 'string' || !PIPELINE_NAME.test(pipelineName)) {
    throw new InvalidInput(`pipelineName is ${describeValue(pipelineName)}; expected a pipeline name of 1-256 letters, digits and hyphens.`);
  }
  const reason = readReason(raw.reason);
  const maxWaitSeconds = readInteger(raw, 'maxWaitSeconds', 1, MAX_WAIT_SECONDS_LIMIT);
  return {
    pipelineName,
    olderThanSeconds: readInteger(raw, 'olderThanSeconds', 0, MAX_OLDER_THAN_SECONDS) ?? 0,
    maxConcurrency: readInteger(raw, 'maxConcurrency', 1, MAX_CONCURRENCY_LIMIT) ?? DEFAULT_MAX_CONCURRENCY,
    ...(reason === undefined ? {} : { reason }),
    ...(maxWaitSeconds === undefined ? {} : { maxWaitSeconds }),
  };
}

const startedAt = (summary: PipelineExecutionSummary): number | undefined => summary.StartTime?.getTime();

/**
 * Reads every page of ListPipelineExecutions (newest first, at most
 * `limits.maxPages`) and keeps the Executing runs started at least
 * `olderThanSeconds` ago, oldest first, capped at `limits.maxItems`.
 */
export async function listRunningExecutions(
  request: StopAllRequest,
  deps: { sagemaker: SageMakerClient; clock: Clock; limits: ListingLimits },
): Promise<RunningListing> {
  const now = deps.clock.now();
  const threshold = now - request.olderThanSeconds * 1000;
  const running: PipelineExecutionSummary[] = [];
  let tooRecent = 0;
  let scanned = 0;
  let pagesRead = 0;
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await deps.sagemaker.send(
        new ListPipelineExecutionsCommand({
          PipelineName: request.pipelineName,
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: PAGE_SIZE,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
    } catch (error) {
      if (isNotFoundError(error)) {
        throw new PipelineNotFound(`SageMaker has no pipeline named "${request.pipelineName}" in this account and region; check the name (not the ARN or display name).`, error);
      }
      throw error;
    }
    pagesRead += 1;
    const summaries = page.PipelineExecutionSummaries ?? [];
    scanned += summaries.length;
    for (const summary of summaries) {
      if (summary.PipelineExecutionStatus !== 'Executing' || !summary.PipelineExecutionArn) continue;
      const started = startedAt(summary);
      // A run without a start time has an unknown age: it only qualifies when every age does.
      const oldEnough = request.olderThanSeconds === 0 || (started !== undefined && started <= threshold);
      if (oldEnough) running.push(summary);
      else tooRecent += 1;
    }
    nextToken = page.NextToken;
  } while (nextToken && pagesRead < deps.limits.maxPages);

  const oldestFirst = [...running].sort((a, b) => (startedAt(a) ?? 0) - (startedAt(b) ?? 0));
  const kept = oldestFirst.slice(0, deps.limits.maxItems);
  return {
    request,
    listedAt: new Date(now).toISOString(),
    scanned,
    pagesRead,
    scanComplete: !nextToken,
    running: running.length,
    items: kept.map((summary) => ({
      pipelineExecutionArn: summary.PipelineExecutionArn as string,
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      ...(request.maxWaitSeconds === undefined ? {} : { maxWaitSeconds: request.maxWaitSeconds }),
    })),
    omitted: running.length - kept.length,
    tooRecent,
  };
}

import {
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  type PipelineExecutionSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Clock } from '#commons/clock.js';
import { InvalidInput } from '#commons/errors.js';
import { PipelineNotFound } from '#pipeline-runs/errors.js';
import { isNotFoundError } from '#pipeline-runs/sagemaker-errors.js';
import { resolveDeadlineAndGrace, type RequestDefaults } from '#commons/settings.js';
import { progressOf } from './fleet-progress.js';
import { MAX_REPORTED_RUNS, PAGE_SIZE } from './limits.js';
import { pacedCalls, type PacedCall } from './paced-calls.js';
import { ledgerRefOf, type LedgerStore } from './ledger.js';
import { matchesGlob, parseStopAllRequest, type StopAllRequest } from './stop-all-request.js';
import type { Candidate, FleetLedger, FleetRun, ListedState, PipelineCount, PolicyDecision, StopAllLoopState } from './model.js';
import { POLICY_TAGS, policyOfTags, readPipelineTags, type PipelinePolicy } from '#pipeline-runs/tag-policy.js';

export { MAX_LISTING_PAGES, MAX_REPORTED_RUNS } from './limits.js';

export interface ListingLimits {
  /** At most this many runs per stop-all execution (StopAllMaxExecutions); the rest are counted as omitted. */
  maxItems: number;
  maxPages: number;
}

export interface ListingDependencies {
  sagemaker: SageMakerClient;
  ledgers: LedgerStore;
  clock: Clock;
  limits: ListingLimits;
  /** The deployment's PipelineNamePattern: what this stack may stop. */
  scope: string;
  defaults: RequestDefaults & { signalRatePerSecond: number };
}

/** Every page of ListPipelines narrowed by the pattern's literal prefix, then matched whole. */
async function pipelinesMatching(sagemaker: SageMakerClient, pattern: string, maxPages: number, call: PacedCall) {
  // SageMaker's PipelineNamePrefix must itself look like a name (no trailing hyphen): narrow by what does.
  const prefix = (pattern.split('*')[0] ?? '').replace(/-+$/, '');
  const names: string[] = [];
  const arns = new Map<string, string>();
  let nextToken: string | undefined;
  let pages = 0;
  do {
    await call('ListPipelines');
    const page = await sagemaker.send(
      new ListPipelinesCommand({
        MaxResults: PAGE_SIZE,
        ...(prefix ? { PipelineNamePrefix: prefix } : {}),
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    pages += 1;
    for (const summary of page.PipelineSummaries ?? []) {
      if (!summary.PipelineName || !matchesGlob(pattern, summary.PipelineName)) continue;
      names.push(summary.PipelineName);
      if (summary.PipelineArn) arns.set(summary.PipelineName, summary.PipelineArn);
    }
    nextToken = page.NextToken;
  } while (nextToken && pages < maxPages);
  return { names: [...new Set(names)].sort(), arns, complete: !nextToken, pages };
}

/** A pipeline's own policy for the runaway guard, from its tags (one ListTags, paced like every call). */
async function policyOf(sagemaker: SageMakerClient, pipelineName: string, pipelineArn: string | undefined, call: PacedCall) {
  const decisions: PolicyDecision[] = [];
  if (!pipelineArn) return { policy: { exempt: false } as PipelinePolicy, decisions };
  const tags = await readPipelineTags(sagemaker, pipelineArn, () => call('ListTags'));
  const { policy, problems } = policyOfTags(tags);
  for (const problem of problems) decisions.push({ pipelineName, decision: 'TagRefused', ...problem });
  if (policy.exempt) decisions.push({ pipelineName, decision: 'Exempt', tag: POLICY_TAGS.exempt, value: 'true' });
  else if (policy.maxRuntimeSeconds !== undefined)
    decisions.push({ pipelineName, decision: 'MaxRuntime', tag: POLICY_TAGS.maxRuntime, value: `${policy.maxRuntimeSeconds} s` });
  return { policy, decisions };
}

/** Every page (at most `maxPages`) of one pipeline's executions started before the listing, newest first. */
async function executionsOf(sagemaker: SageMakerClient, pipelineName: string, before: Date, maxPages: number, call: PacedCall) {
  const summaries: PipelineExecutionSummary[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    await call('ListPipelineExecutions');
    let page;
    try {
      page = await sagemaker.send(
        new ListPipelineExecutionsCommand({
          PipelineName: pipelineName,
          CreatedBefore: before,
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: PAGE_SIZE,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
    } catch (error) {
      if (isNotFoundError(error)) {
        throw new PipelineNotFound(
          `SageMaker has no pipeline named "${pipelineName}" in this account and region; check the name (not the ARN or display name).`,
          error,
        );
      }
      throw error;
    }
    pages += 1;
    summaries.push(...(page.PipelineExecutionSummaries ?? []));
    nextToken = page.NextToken;
  } while (nextToken && pages < maxPages);
  return { summaries, complete: !nextToken, pages };
}

/**
 * Validates the request and lists the runs to stop: every Executing or Stopping run of the selected
 * pipelines started at least `olderThanSeconds` before the listing, oldest first, up to the
 * deployment's cap. Writes them to the fleet's ledger (a dry run's too: it is the exact list of
 * what would be signalled) and hands on counts only.
 */
export async function listRunningExecutions(state: StopAllLoopState, deps: ListingDependencies): Promise<ListedState> {
  const parsed = parseStopAllRequest(state.raw, deps.scope, deps.defaults.signalRatePerSecond);
  // Every run's deadline and grace are known from here on: the deployment's defaults filled in, as for one graceful stop.
  const request: StopAllRequest = { ...parsed, ...resolveDeadlineAndGrace(parsed, deps.defaults) };
  const now = deps.clock.now();
  // The ledger from the start: SageMaker publishes no rate for its list calls, so each is paced
  // and counted like the signals, and the first cycle's calls carry on at the listing's pace.
  const ledger: FleetLedger = {
    version: 1,
    executionId: state.executionId,
    request,
    listedAt: now,
    runs: [],
    nextSignal: 0,
    cycles: 0,
    calls: {},
  };
  const call = pacedCalls(ledger, deps.clock);
  let scanComplete = true;
  let pagesRead = 0;
  let names: string[];
  let arns = new Map<string, string>();
  if (request.pipelineNamePattern !== undefined) {
    const matched = await pipelinesMatching(deps.sagemaker, request.pipelineNamePattern, deps.limits.maxPages, call);
    names = matched.names;
    arns = matched.arns;
    scanComplete = matched.complete;
    pagesRead += matched.pages;
  } else {
    names = request.pipelineNames ?? (request.pipelineName ? [request.pipelineName] : []);
  }
  if (names.length === 0 && request.pipelineNamePattern === undefined) throw new InvalidInput('The request names no pipeline.');

  const selected: FleetRun[] = [];
  let tooRecent = 0;
  let scanned = 0;
  const policies: PolicyDecision[] = [];
  for (const pipelineName of names) {
    // The runaway guard: the pipeline's own maximum runtime in place of the request's, its grace, or its exemption.
    let olderThanSeconds = request.olderThanSeconds;
    let own: Pick<FleetRun, 'reason' | 'graceSeconds'> = {};
    if (request.pipelineTags) {
      const { policy, decisions } = await policyOf(deps.sagemaker, pipelineName, arns.get(pipelineName), call);
      policies.push(...decisions);
      if (policy.exempt) continue;
      if (policy.maxRuntimeSeconds !== undefined) {
        olderThanSeconds = policy.maxRuntimeSeconds;
        own = { reason: `pipeline limit ${POLICY_TAGS.maxRuntime}: running longer than ${olderThanSeconds} s` };
      }
      if (policy.graceSeconds !== undefined) own = { ...own, graceSeconds: policy.graceSeconds };
    }
    const listed = await executionsOf(deps.sagemaker, pipelineName, new Date(now), deps.limits.maxPages, call);
    pagesRead += listed.pages;
    scanComplete &&= listed.complete;
    scanned += listed.summaries.length;
    for (const summary of listed.summaries) {
      const status = summary.PipelineExecutionStatus;
      if ((status !== 'Executing' && status !== 'Stopping') || !summary.PipelineExecutionArn) continue;
      const started = summary.StartTime?.getTime();
      if (started !== undefined && started >= now) continue;
      // A run without a start time has an unknown age: it only qualifies when every age does.
      // Its age on the deployment's clock (simulated seconds off AWS), as every other age stop-all reads.
      const age = started === undefined ? undefined : deps.clock.secondsSince(new Date(started).toISOString());
      if (olderThanSeconds > 0 && (age === undefined || age < olderThanSeconds)) {
        tooRecent += 1;
        continue;
      }
      selected.push({ arn: summary.PipelineExecutionArn, pipelineName, startedAt: started ?? null, listedStatus: status, status, ...own });
    }
  }
  selected.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  // SageMaker lists a run once per pipeline; a pipeline named twice is listed once (the request dedupes names).
  const runs = selected.slice(0, deps.limits.maxItems);
  for (const run of runs) if (run.listedStatus === 'Stopping') run.drainFrom = now;

  ledger.runs = runs;
  call.keep();
  const ref = ledgerRefOf(state.executionId);
  await deps.ledgers.write(ref, ledger);

  const perPipeline = new Map<string, PipelineCount>();
  for (const run of runs) {
    const entry = perPipeline.get(run.pipelineName) ?? { pipelineName: run.pipelineName, executing: 0, stopping: 0 };
    if (run.listedStatus === 'Executing') entry.executing += 1;
    else entry.stopping += 1;
    perPipeline.set(run.pipelineName, entry);
  }
  const byPipeline = [...perPipeline.values()]
    .sort((a, b) => b.executing + b.stopping - (a.executing + a.stopping) || a.pipelineName.localeCompare(b.pipelineName))
    .slice(0, MAX_REPORTED_RUNS);
  const candidates: Candidate[] = runs.slice(0, MAX_REPORTED_RUNS).map((run) => ({
    pipelineName: run.pipelineName,
    pipelineExecutionArn: run.arn,
    status: run.listedStatus,
    startedAt: run.startedAt === null ? null : new Date(run.startedAt).toISOString(),
    ageSeconds: run.startedAt === null ? null : Math.round(deps.clock.secondsSince(new Date(run.startedAt).toISOString())),
  }));
  const progress = progressOf(ledger, deps.clock);
  return {
    ...(state.raw === undefined ? {} : { raw: state.raw }),
    executionId: state.executionId,
    request,
    ledger: ref,
    listing: {
      listedAt: new Date(now).toISOString(),
      pipelines: names.length,
      scanned,
      pagesRead,
      scanComplete,
      tooRecent,
      omitted: selected.length - runs.length,
      byPipeline,
      ...(request.pipelineTags ? { policies: policies.slice(0, MAX_REPORTED_RUNS) } : {}),
    },
    progress: request.dryRun ? { ...progress, signalling: false, done: true } : progress,
    ...(request.dryRun ? { candidates } : {}),
  };
}

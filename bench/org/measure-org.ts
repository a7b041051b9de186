/**
 * The organization bench: a local organization of `accounts` × `regions` spokes, each with its own
 * runs of one drain, stopped by one organization stop on the hub (this process, the built bundles);
 * then a dry run over `quotaTargets` targets, most without a spoke, for what Step Functions holds at
 * that many. Everything it costs is measured: the hub's and every spoke's transitions, invocations
 * and GB-seconds.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulatedGbSeconds, timedHandlers, type Invocation } from '#bench/drains/timed-handlers.js';
import { estimatedDollars } from '#bench/support/prices.js';
import { billedTransitions } from '#bench/support/run-counts.js';
import type { EventLog, RunResult } from '#local/engine/runner.js';
import { memberAccount, startLocalOrganization, type LocalOrganization } from '#local/organization/organization.js';
import type { OrganizationStopReport } from '#stop-all/organization/model.js';
import { spokesInThreads } from './spoke-host.js';
import type { OrgResult, OrgSpec, SpokeFigures, TargetTimeline } from './types.js';
import { median } from '#bench/support/summary-stats.js';

const PIPELINE = 'bench-org-drain';
const keyOf = (target: { accountId: string; region: string }): string => `${target.accountId}/${target.region}`;

async function organizationStop(organization: LocalOrganization, input: object): Promise<{ run: RunResult; startedAt: number }> {
  const startedAt = Date.now();
  const execution = organization.hub.cloud.stepFunctions.startExecution({
    stateMachineArn: organization.hub.organizationStop.arn,
    input: JSON.stringify(input),
  });
  const run = await execution.done;
  if (run.status !== 'SUCCEEDED')
    throw new Error(`The organization stop ended ${run.status}: ${run.error ?? ''} ${String(run.cause ?? '')}`);
  return { run, startedAt };
}

/** When each target's result was recorded: the hub knew how its runs ended. */
function recordedAt(run: RunResult): Map<string, number> {
  const recorded = new Map<string, number>();
  for (const event of run.events) {
    if (event.type !== 'StateEntered' || event.state?.name !== 'Record Target Result') continue;
    const iteration = (event.state.input as { iteration?: { accountId?: string; region?: string } } | undefined)?.iteration;
    if (iteration?.accountId && iteration.region) recorded.set(`${iteration.accountId}/${iteration.region}`, event.timestamp);
  }
  return recorded;
}

const byteLength = (value: unknown): number => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));

/**
 * History events as Step Functions keeps them: the parent's own (its states entered and exited,
 * three more per Task, the execution's and the Map Run's start and end) and each child's (a
 * Distributed Map iteration is a child execution with a history of its own).
 */
function historySizes(run: RunResult): { parent: number; largestChild: number } {
  const count = (events: EventLog[]) =>
    events.filter((event) => event.type === 'StateEntered' || event.type === 'StateExited').length +
    3 * events.filter((event) => event.type === 'StateEntered' && event.state?.type === 'Task').length +
    events.filter((event) => event.type === 'StateRetried').length;
  const parent = run.events.filter((event) => event.index === undefined && !event.type.startsWith('MapIteration'));
  const children = new Map<number, EventLog[]>();
  for (const event of run.events) {
    if (event.index === undefined || event.type.startsWith('MapIteration')) continue;
    children.set(event.index, [...(children.get(event.index) ?? []), event]);
  }
  return { parent: count(parent) + 4, largestChild: Math.max(0, ...[...children.values()].map((events) => count(events) + 2)) };
}

function largestState(run: RunResult): { bytes: number; name: string } {
  let largest = { bytes: 0, name: '' };
  for (const event of run.events) {
    const bytes = Math.max(byteLength(event.state?.input), byteLength(event.state?.output));
    if (bytes > largest.bytes) largest = { bytes, name: event.state?.name ?? '' };
  }
  return largest;
}

export async function measureOrganization(spec: OrgSpec): Promise<OrgResult> {
  const realStart = Date.now();
  const spokeAccounts = Array.from({ length: spec.accounts }, (_, index) => memberAccount(index));
  const extra = Math.max(0, Math.floor(spec.quotaTargets / spec.regions.length) - spec.accounts);
  const spokeless = Array.from({ length: extra }, (_, index) => memberAccount(spec.accounts + index));
  const threads = spokesInThreads({
    benchDir: dirname(fileURLToPath(import.meta.url)),
    spokesPerThread: spec.spokesPerThread,
    timeScale: spec.timeScale,
    functionsDir: spec.functionsDir,
    pipelineName: PIPELINE,
    runsPerSpoke: spec.runsPerSpoke,
    drainSeconds: spec.drainSeconds,
  });
  const hubCalls: Invocation[] = [];
  const organization = await startLocalOrganization({
    accounts: [...spokeAccounts, ...spokeless],
    regions: spec.regions,
    timeScale: spec.timeScale,
    functionsDir: spec.functionsDir,
    withoutSpoke: spokeless.flatMap((accountId) => spec.regions.map((region) => `${accountId}/${region}`)),
    hostSpokes: threads.host,
    hub: { wrapHandlers: (handlers) => timedHandlers(handlers, (call) => hubCalls.push(call)) },
    onFunctionOutput: () => undefined,
  });
  try {
    const runs = spec.accounts * spec.regions.length * spec.runsPerSpoke;
    const { run, startedAt } = await organizationStop(organization, {
      targets: { accounts: spokeAccounts, regions: spec.regions },
      pipelineNamePattern: 'bench-org-*',
      reason: 'organization bench',
      maxWaitSeconds: 7_200,
    });
    const hubGbSeconds = simulatedGbSeconds(hubCalls, spec.timeScale);
    const hubInvocations = hubCalls.length;
    const report = run.output as unknown as OrganizationStopReport;
    const figures: SpokeFigures[] = await threads.report();
    const simulated = (at: number): number => ((at - startedAt) * spec.timeScale) / 1000;
    const recorded = recordedAt(run);
    const lags = figures.flatMap((spoke) => spoke.ends.map((end) => simulated(recorded.get(keyOf(spoke)) ?? Number.NaN) - simulated(end)));
    const timeline: TargetTimeline[] = figures.map((spoke) => ({
      target: keyOf(spoke),
      // A run signalled twice (a retried call) counts once: the first runsPerSpoke calls.
      signals: [...spoke.signals]
        .sort((x, y) => x - y)
        .slice(0, spec.runsPerSpoke)
        .map(simulated),
      ends: spoke.ends.map(simulated),
      reportedAt: simulated(recorded.get(keyOf(spoke)) ?? Number.NaN),
    }));
    const sum = (key: 'stateTransitions' | 'lambdaInvocations' | 'lambdaGbSeconds') =>
      figures.reduce((total, spoke) => total + spoke[key], 0);
    const cost = {
      hubTransitions: billedTransitions(run),
      hubLambdaInvocations: hubInvocations,
      hubLambdaGbSeconds: hubGbSeconds,
      spokeTransitions: sum('stateTransitions'),
      spokeLambdaInvocations: sum('lambdaInvocations'),
      spokeLambdaGbSeconds: sum('lambdaGbSeconds'),
      dollarsPerRun: 0,
    };
    cost.dollarsPerRun =
      estimatedDollars({
        stateTransitions: cost.hubTransitions + cost.spokeTransitions,
        lambdaInvocations: cost.hubLambdaInvocations + cost.spokeLambdaInvocations,
        lambdaGbSeconds: cost.hubLambdaGbSeconds + cost.spokeLambdaGbSeconds,
        // The hub's S3: each target's result put once and read once.
        s3Requests: { PUT: report.targets, GET: report.targets },
      }) / runs;
    const endToReport = lags.filter(Number.isFinite);

    const quota = await organizationStop(organization, {
      targets: { accounts: [...spokeAccounts, ...spokeless], regions: spec.regions },
      pipelineNamePattern: 'bench-org-*',
      reason: 'organization bench: quotas',
      dryRun: true,
    });
    const quotaReport = quota.run.output as unknown as OrganizationStopReport;
    const history = historySizes(quota.run);
    const state = largestState(quota.run);
    return {
      accounts: spec.accounts,
      regions: spec.regions.length,
      targets: report.targets,
      runs,
      drainSeconds: spec.drainSeconds,
      timeScale: spec.timeScale,
      realSeconds: (Date.now() - realStart) / 1000,
      outcome: report.byOutcome,
      finalStatuses: report.finalStatuses,
      causes: [...new Set(report.results.flatMap((result) => (result.cause ? [result.cause.slice(0, 200)] : [])))].slice(0, 5),
      secondsToLastSignal: Math.max(...timeline.flatMap((target) => target.signals)),
      secondsToReport: simulated(run.stoppedAt),
      maxEndToReportSeconds: Math.max(...endToReport),
      medianEndToReportSeconds: median(endToReport),
      cost,
      quotas: {
        targets: quotaReport.targets,
        outcome: quotaReport.byOutcome,
        largestStateBytes: state.bytes,
        largestStateName: state.name,
        parentHistoryEvents: history.parent,
        largestChildHistoryEvents: history.largestChild,
      },
      timeline,
    };
  } finally {
    await organization.close();
  }
}

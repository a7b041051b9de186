/**
 * The fleet measurement: a stop-all of many runs (a mix of Training, Processing, Lambda and Callback
 * steps, a tenth already stuck in Stopping) on the embedded engine with the built bundles, against
 * the simulator in a thread of its own at a time scale; everything it costs is measured.
 */
import {
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';

import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { BENCH_ROLE_ARN } from '#bench/drains/pipeline.js';
import { peakConcurrency, simulatedGbSeconds, timedHandlers, type Invocation } from '#bench/drains/timed-handlers.js';

import { estimatedDollars } from '#bench/support/prices.js';
import { billedTransitions } from '#bench/support/run-counts.js';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { createObjectStore } from '#commons/object-store.js';

import { LOCAL_LEDGER_BUCKET } from '#local/ledger-bucket.js';
import { startLocalCloud } from '#local/cloud.js';
import { createQueue } from '#local/sqs/queues.js';
import type { FleetLedger, ListedState, StopAllSummary } from '#stop-all/model.js';
import { FLEET_PATTERN, fleetPipelines, pipelineOfRun } from './pipelines.js';
import { simulatorThread } from './simulator-thread-client.js';
import { peakPerSecond } from './peak-calls.js';
import type { DesignFigures, FleetChildResult, FleetChildSpec } from './types.js';

const CHUNK = 50;

async function inChunks<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += CHUNK) {
    results.push(...(await Promise.all(items.slice(start, start + CHUNK).map((item, offset) => work(item, start + offset)))));
  }
  return results;
}

async function startRuns(sagemaker: SageMakerClient, spec: FleetChildSpec, queueUrl: string): Promise<{ arns: string[]; stuck: string[] }> {
  for (const [name, definition] of Object.entries(fleetPipelines(spec.drainSeconds, queueUrl))) {
    await sagemaker.send(new CreatePipelineCommand({ PipelineName: name, RoleArn: BENCH_ROLE_ARN, PipelineDefinition: definition }));
  }
  const arns = await inChunks(
    Array.from({ length: spec.runs }, (_, index) => index),
    async (index) => {
      const { PipelineExecutionArn: arn } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineOfRun(index) }));
      if (!arn) throw new Error('StartPipelineExecution returned no ARN.');
      return arn;
    },
  );
  // Someone else's stop, answered by nobody: these runs stay Stopping until the stop-all releases them.
  const stuck = arns.filter((_, index) => pipelineOfRun(index) === 'fleet-callback');
  await inChunks(stuck, (arn, index) =>
    sagemaker.send(
      new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: `someone-else-stopped-${index}`.padEnd(32, '0') }),
    ),
  );
  return { arns, stuck };
}

async function readLedger(location: string): Promise<FleetLedger> {
  const key = location.replace(`s3://${LOCAL_LEDGER_BUCKET}/`, '');
  return JSON.parse(await createObjectStore({ bucket: LOCAL_LEDGER_BUCKET }).get(key)) as FleetLedger;
}

export async function measureFleet(spec: FleetChildSpec): Promise<FleetChildResult> {
  const simulator = await simulatorThread(spec.timeScale);
  const invocations: Invocation[] = [];
  const cloud = await startLocalCloud({
    emulatorsAt: simulator.endpoints,
    functionsDir: spec.functionsDir,
    events: false,
    wrapHandlers: (handlers) => timedHandlers(handlers, (call) => invocations.push(call)),
  });
  const sagemaker = new SageMakerClient({
    ...BOUNDED_CLIENT_OPTIONS,
    endpoint: simulator.endpoints.sagemakerEndpoint,
    region: 'us-east-1',
  });
  const realStart = Date.now();
  try {
    const queueUrl = await createQueue(simulator.endpoints.sqsEndpoint, 'fleet-callbacks');
    const { arns, stuck } = await startRuns(sagemaker, spec, queueUrl);
    const machine = cloud.stopAll;
    // When each SageMaker call leaves (the pace the stop-all keeps), beside when the simulator receives it.
    const sent: Array<{ operation: string; atMs: number }> = [];
    const onRequest = (message: unknown): void => {
      const target = (message as { request: ClientRequest }).request.getHeader('x-amz-target');
      if (typeof target === 'string' && target.startsWith('SageMaker.'))
        sent.push({ operation: target.slice('SageMaker.'.length), atMs: Date.now() });
    };
    subscribe('http.client.request.start', onRequest);
    simulator.observe();
    const startMs = Date.now();
    const run = await machine.run(
      {
        pipelineNamePattern: FLEET_PATTERN,
        signalRatePerSecond: spec.signalRate,
        releaseCallbacksAfterSeconds: spec.drainSeconds,
        maxWaitSeconds: Math.min(86_400, spec.drainSeconds + Math.ceil(spec.runs / spec.signalRate) + 900),
        reason: 'fleet bench',
      },
      { timeScale: spec.timeScale },
    );
    unsubscribe('http.client.request.start', onRequest);
    const { callsByOperation, calls } = await simulator.report();
    if (run.status !== 'SUCCEEDED') throw new Error(`stop-all ended ${run.status}: ${run.error ?? ''} ${run.cause ?? ''}`);
    const summary = run.output as unknown as StopAllSummary;
    const ledger = await readLedger(summary.ledger ?? '');
    const listed = run.events.find((event) => event.type === 'StateExited' && event.state?.name === 'List Running Executions');
    const listing = (listed?.state?.output as unknown as ListedState | undefined)?.listing;
    const listingEntered = run.events.find((event) => event.type === 'StateEntered' && event.state?.name === 'List Running Executions');
    const listingSeconds = (((listed?.timestamp ?? 0) - (listingEntered?.timestamp ?? 0)) * spec.timeScale) / 1000;
    const listingCalls = listing?.pagesRead ?? 0;

    // When each run really ended (the simulator's LastModifiedTime) against when the sweep noticed it.
    const ended = await inChunks(arns, (arn) => sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn })));
    const endOf = new Map(
      ended.map((execution) => [execution.PipelineExecutionArn ?? '', execution.LastModifiedTime?.getTime() ?? Number.NaN]),
    );
    const lags = ledger.runs
      .filter((entry) => entry.endedAt !== undefined)
      .map((entry) => ((entry.endedAt! - (endOf.get(entry.arn) ?? Number.NaN)) * spec.timeScale) / 1000);
    const lastEnd = Math.max(...[...endOf.values()].filter(Number.isFinite));
    const gbSeconds = simulatedGbSeconds(invocations, spec.timeScale);
    const transitions = billedTransitions(run);
    const stuckSet = new Set(stuck);
    const figures: DesignFigures = {
      design: 'fleet',
      how: 'measured',
      secondsToLastSignal: summary.secondsToLastSignal ?? Number.NaN,
      secondsToAllEnded: ((Math.max(lastEnd, ...ledger.runs.map((entry) => entry.endedAt ?? 0)) - run.startedAt) * spec.timeScale) / 1000,
      maxDetectionSeconds: Math.max(0, ...lags),
      callsByOperation,
      peakCallsPerSecond: summary.peakCallsPerSecond,
      peakSentPerSecond: peakPerSecond(sent, startMs, spec.timeScale),
      peakReceivedPerSecond: peakPerSecond(
        calls.map(([operation, atMs]) => ({ operation, atMs })),
        startMs,
        spec.timeScale,
      ),
      callsPerRunBeyondListing: (Object.values(callsByOperation).reduce((total, count) => total + count, 0) - listingCalls) / spec.runs,
      stateTransitions: transitions,
      lambdaInvocations: run.lambdaInvocations,
      peakConcurrentLambda: peakConcurrency(invocations),
      lambdaGbSeconds: gbSeconds,
      dollarsPerRun:
        estimatedDollars({ stateTransitions: transitions, lambdaInvocations: run.lambdaInvocations, lambdaGbSeconds: gbSeconds }) /
        spec.runs,
      stuckReaped: ended.filter(
        (execution) => stuckSet.has(execution.PipelineExecutionArn ?? '') && execution.PipelineExecutionStatus !== 'Stopping',
      ).length,
      stuck: stuck.length,
      outcomes: { ...summary.outcomes, ...summary.errors },
    };
    return {
      mode: 'fleet',
      runs: spec.runs,
      drainSeconds: spec.drainSeconds,
      timeScale: spec.timeScale,
      signalRate: spec.signalRate,
      realSeconds: (Date.now() - realStart) / 1000,
      listingSeconds,
      listingCalls,
      figures,
    };
  } finally {
    sagemaker.destroy();
    await cloud.close();
    await simulator.close();
  }
}

/**
 * Child process of the fleet bench. Mode 'fleet': a stop-all of many runs (a mix of Training,
 * Processing, Lambda and Callback steps, a tenth already stuck in Stopping) on the embedded
 * engine with the built bundles, against the simulator at a time scale; everything it costs is
 * measured. Mode 'child': one graceful stop of one run, measured, which is what one Map iteration
 * of the previous design cost (the graceful stop is unchanged). Started by bench/run.ts.
 */
import {
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { Worker } from 'node:worker_threads';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { BENCH_ROLE_ARN, drainPipelineDefinition } from '#bench/drains/pipeline.js';
import { peakConcurrency, simulatedGbSeconds, timedHandlers, type Invocation } from '#bench/drains/timed-handlers.js';
import { readChildSpec, runChild } from '#bench/support/child-protocol.js';
import { counterDelta, startLocalBed } from '#bench/support/local-bed.js';
import { estimatedDollars, memoryGbOf } from '#bench/support/prices.js';
import { billedTransitions, outcomeOf } from '#bench/support/run-counts.js';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { createObjectStore } from '#commons/object-store.js';
import { STOP_ALL_FUNCTIONS, createStopAllMachine, loadBuiltStopAllHandlers } from '#local/engine/stop-all.js';
import { LOCAL_LEDGER_BUCKET } from '#local/ledger-bucket.js';
import { useLocalEndpoints } from '#local/stack.js';
import { createQueue } from '#local/sqs/queues.js';
import type { FleetLedger, ListedState, StopAllSummary } from '#stop-all/model.js';
import { FLEET_PATTERN, fleetPipelines, pipelineOfRun } from './pipelines.js';
import type { ThreadReply, ThreadRequest } from './simulator-thread.js';
import type { DesignFigures, FleetChildResult, FleetChildSpec } from './types.js';

const CHUNK = 50;

/** Calls per operation in each simulated second, from the simulator's receipts. */
function peakPerSecond(calls: Array<{ operation: string; atMs: number }>, startMs: number, timeScale: number): Record<string, number> {
  const buckets = new Map<string, Map<number, number>>();
  for (const { operation, atMs } of calls) {
    const second = Math.floor(((atMs - startMs) * timeScale) / 1000);
    const perOperation = buckets.get(operation) ?? new Map<number, number>();
    perOperation.set(second, (perOperation.get(second) ?? 0) + 1);
    buckets.set(operation, perOperation);
  }
  return Object.fromEntries([...buckets].map(([operation, seconds]) => [operation, Math.max(...seconds.values())]));
}

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

/** The simulator in a thread of its own (simulator-thread.ts), and what it recorded. */
async function simulatorThread(timeScale: number) {
  const worker = new Worker(new URL('./fleet-simulator.mjs', import.meta.url), { workerData: { timeScale } });
  const next = <T extends ThreadReply['type']>(type: T): Promise<Extract<ThreadReply, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: ThreadReply): void => {
        if (message.type !== type) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(message as Extract<ThreadReply, { type: T }>);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const ready = await next('ready');
  const send = (message: ThreadRequest): void => worker.postMessage(message);
  return {
    endpoints: { sagemakerEndpoint: ready.sagemakerEndpoint, sqsEndpoint: ready.sqsEndpoint },
    observe: () => send({ type: 'observe' }),
    report: async () => {
      const reply = next('report');
      send({ type: 'report' });
      return reply;
    },
    close: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      send({ type: 'close' });
      await exited;
    },
  };
}

async function measureFleet(spec: FleetChildSpec): Promise<FleetChildResult> {
  const simulator = await simulatorThread(spec.timeScale);
  useLocalEndpoints(simulator.endpoints);
  const sagemaker = new SageMakerClient({
    ...BOUNDED_CLIENT_OPTIONS,
    endpoint: simulator.endpoints.sagemakerEndpoint,
    region: 'us-east-1',
  });
  const realStart = Date.now();
  try {
    const queueUrl = await createQueue(simulator.endpoints.sqsEndpoint, 'fleet-callbacks');
    const { arns, stuck } = await startRuns(sagemaker, spec, queueUrl);
    const invocations: Invocation[] = [];
    const machine = createStopAllMachine(
      timedHandlers(await loadBuiltStopAllHandlers(spec.functionsDir), (call) => invocations.push(call)),
    );
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
    await simulator.close();
  }
}

/** One graceful stop of one Training run draining `drainSeconds`: what one Map iteration of the previous design cost. */
async function measureChild(spec: FleetChildSpec): Promise<FleetChildResult> {
  const bed = await startLocalBed({ timeScale: spec.timeScale, functionsDir: spec.functionsDir });
  const realStart = Date.now();
  try {
    await bed.sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: 'fleet-child',
        RoleArn: BENCH_ROLE_ARN,
        PipelineDefinition: drainPipelineDefinition(spec.drainSeconds),
      }),
    );
    const { PipelineExecutionArn: arn = '' } = await bed.sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: 'fleet-child' }));
    const calls: Array<{ operation: string; atMs: number }> = [];
    const before = bed.stack.simulator.stats().callsByOperation;
    const unobserve = bed.stack.simulator.observeCalls((operation, atMs) => calls.push({ operation, atMs }));
    const startMs = Date.now();
    const run = await bed.machine.run(
      { pipelineExecutionArn: arn, maxWaitSeconds: spec.drainSeconds + 900 },
      { timeScale: spec.timeScale },
    );
    unobserve();
    const callsByOperation = counterDelta(bed.stack.simulator.stats().callsByOperation, before);
    const gbSeconds = simulatedGbSeconds(bed.invocations, spec.timeScale);
    const transitions = billedTransitions(run);
    const childSeconds = ((run.stoppedAt - run.startedAt) * spec.timeScale) / 1000;
    const figures: DesignFigures = {
      design: 'map-40',
      how: 'measured',
      secondsToLastSignal: 0,
      secondsToAllEnded: childSeconds,
      maxDetectionSeconds: Number.NaN,
      callsByOperation,
      peakCallsPerSecond: peakPerSecond(calls, startMs, spec.timeScale),
      callsPerRunBeyondListing: Object.values(callsByOperation).reduce((total, count) => total + count, 0),
      stateTransitions: transitions,
      lambdaInvocations: run.lambdaInvocations,
      peakConcurrentLambda: 1,
      lambdaGbSeconds: gbSeconds,
      dollarsPerRun: estimatedDollars({
        stateTransitions: transitions,
        lambdaInvocations: run.lambdaInvocations,
        lambdaGbSeconds: gbSeconds,
      }),
      stuckReaped: 0,
      stuck: 0,
      outcomes: { [outcomeOf(run)]: 1 },
    };
    return {
      mode: 'child',
      runs: 1,
      drainSeconds: spec.drainSeconds,
      timeScale: spec.timeScale,
      signalRate: spec.signalRate,
      realSeconds: (Date.now() - realStart) / 1000,
      listingSeconds: 0,
      listingCalls: 0,
      figures,
      childSeconds,
      childPeakCallsPerSecond: figures.peakCallsPerSecond,
    };
  } finally {
    await bed.close();
  }
}

// Memory of each stop-all function, checked at load: the GB-seconds above are priced with it.
for (const logicalId of Object.keys(STOP_ALL_FUNCTIONS)) memoryGbOf(logicalId);

runChild(async () => {
  const spec = readChildSpec<FleetChildSpec>();
  return spec.mode === 'fleet' ? measureFleet(spec) : measureChild(spec);
});

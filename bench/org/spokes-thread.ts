/**
 * Many spokes of the organization bench in one worker thread: a whole local cloud a spoke (as
 * simulate and the tests run them) weighs about 110 MB, 300 of them more than this machine holds.
 * Here the spokes of a thread share one engine, one SQS/S3 emulator and one copy of the stop-all
 * bundles, and each keeps what makes it a spoke: its own SageMaker simulator (its account, region
 * and quota of 20), its own stop-all (graceful-stop-all-spoke, with its account's and region's
 * ARNs) and its own runs. A handler works for the spoke whose stop-all invoked it: every SageMaker
 * request it sends is tagged with that spoke (an AsyncLocalStorage read as the request is made)
 * and a router sends it to that spoke's simulator.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import {
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { simulatedGbSeconds, timedHandlers, type Invocation } from '#bench/drains/timed-handlers.js';
import { billedTransitions } from '#bench/support/run-counts.js';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { RUN_EVENT_FUNCTIONS, type LocalHandler } from '#local/engine/functions.js';
import { localLambdaContext } from '#local/engine/lambda-context.js';
import { applyFunctionEnvironment, loadBundles } from '#local/engine/load-handlers.js';
import { localFunctionArn } from '#local/engine/runner.js';
import { createStopAllMachine, STOP_ALL_FUNCTIONS, type StopAllHandlerTable } from '#local/engine/stop-all.js';
import { LocalStepFunctions } from '#local/engine/step-functions.js';
import { startStepFunctionsApi } from '#local/engine/step-functions-api.js';
import { LocalEventBus, localRuleValues, templateRules } from '#local/events/bus.js';
import type { EventBridgeEvent } from '#local/events/event.js';
import { createLedgerBucket, LOCAL_LEDGER_BUCKET } from '#local/ledger-bucket.js';
import { startSageMakerSimulator, type SageMakerSimulator } from '#local/simulator/index.js';
import { startSqsEmulator } from '#local/sqs/emulator.js';
import { readTemplate } from '#local/template.js';
import { forward, listen, type Listener } from '#local/listen.js';
import { readBody } from '#local/simulator/protocol.js';
import { SPOKE_STOP_ALL_NAME } from '#stop-all/organization/spoke-access.js';
import type { SpokeFigures, SpokesThreadData, SpokesThreadReply, SpokesThreadRequest } from './types.js';

const TENANT_HEADER = 'x-bench-spoke';
const tenant = new AsyncLocalStorage<string>();
const keyOf = (spoke: { accountId: string; region: string }): string => `${spoke.accountId}/${spoke.region}`;

/**
 * Each request a handler sends is tagged with the spoke it works for: http.request is wrapped (the
 * bundles import it by name, a binding syncBuiltinESMExports updates). Node 20 sends the headers
 * before diagnostics_channel's request.start is told, so the tag must go in with the options.
 */
const originalRequest = http.request;
const tagged = (options: unknown, spoke: string): unknown =>
  typeof options === 'object' && options !== null && !(options instanceof URL)
    ? { ...options, headers: { ...(options as { headers?: Record<string, unknown> }).headers, [TENANT_HEADER]: spoke } }
    : options;
http.request = function request(this: unknown, ...args: unknown[]) {
  const spoke = tenant.getStore();
  if (spoke) {
    if (typeof args[0] === 'string' || args[0] instanceof URL) args[1] = typeof args[1] === 'function' ? args[1] : tagged(args[1], spoke);
    else args[0] = tagged(args[0], spoke);
  }
  return (originalRequest as (...parameters: unknown[]) => http.ClientRequest).apply(this, args);
} as typeof http.request;
syncBuiltinESMExports();

/** Routes each tagged request to its spoke's simulator. */
function startRouter(simulators: Map<string, SageMakerSimulator>): Promise<Listener> {
  return listen((request, response) => {
    void readBody(request)
      .then((body) => {
        const simulator = simulators.get(String(request.headers[TENANT_HEADER] ?? ''));
        if (simulator) return forward(simulator.endpoint, request, body, response);
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'ValidationException', message: 'No spoke tagged this request.' }));
      })
      .catch((error: unknown) => {
        if (response.headersSent || response.destroyed) return;
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'InternalFailure', message: String(error) }));
      });
  });
}

/** The stop-all handlers, working for `spoke`. */
const workingFor = (spoke: string, handlers: StopAllHandlerTable): StopAllHandlerTable =>
  Object.fromEntries(
    Object.entries(handlers).map(([id, handler]) => [
      id,
      (event: unknown, context: Context) => tenant.run(spoke, () => handler(event, context)),
    ]),
  ) as StopAllHandlerTable;

/** The pipeline every spoke runs: one training step whose stop takes the drain. */
const drainPipeline = (drainSeconds: number): string =>
  JSON.stringify({
    Version: '2020-12-01',
    Metadata: {},
    Parameters: [],
    Steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 86_400, StopDurationSeconds: drainSeconds } }],
  });

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('spokes-thread runs as a worker thread of the organization bench.');
  const data = workerData as SpokesThreadData;
  const reply = (message: SpokesThreadReply): void => port.postMessage(message);
  const sqs = await startSqsEmulator({ port: 0 });
  await createLedgerBucket(sqs.endpoint);
  const simulators = new Map<string, SageMakerSimulator>();
  const signals = new Map<string, number[]>();
  for (const spoke of data.spokes) {
    const simulator = await startSageMakerSimulator({ port: 0, timeScale: data.timeScale, sqsEndpoint: sqs.endpoint, ...spoke });
    simulators.set(keyOf(spoke), simulator);
    const times: number[] = [];
    signals.set(keyOf(spoke), times);
    simulator.observeCalls((operation, atMs) => {
      if (operation === 'StopPipelineExecution') times.push(atMs);
    });
  }
  const router = await startRouter(simulators);
  const stepFunctions = new LocalStepFunctions({ runOptions: { timeScale: data.timeScale } });
  // A stop-all's Stop All Completed goes to the hub, from the account and region of the stop-all that sent it.
  const api = await startStepFunctionsApi(stepFunctions, {
    onEvent: (event: EventBridgeEvent) => {
      if (event['detail-type'] !== 'Stop All Completed') return;
      const [, , , region = '', account = ''] = String(event.detail.executionArn ?? '').split(':');
      reply({ kind: 'event', event: { ...event, account, region } });
    },
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SAGEMAKER: router.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_S3: sqs.endpoint,
    AWS_ENDPOINT_URL_SFN: api.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: api.endpoint,
    FLEET_LEDGER_BUCKET: LOCAL_LEDGER_BUCKET,
    STOP_RECORDS_BUCKET: LOCAL_LEDGER_BUCKET,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  applyFunctionEnvironment({ COMPLETION_EVENT_BUS_NAME: 'default' });
  const stopAll = await loadBundles(STOP_ALL_FUNCTIONS, data.functionsDir);
  const { EndWaitsFunction: endWaits } = await loadBundles({ EndWaitsFunction: RUN_EVENT_FUNCTIONS.EndWaitsFunction }, data.functionsDir);
  const invocations = new Map<string, Invocation[]>();
  for (const spoke of data.spokes) {
    const calls: Invocation[] = [];
    invocations.set(keyOf(spoke), calls);
    const handlers = timedHandlers(workingFor(keyOf(spoke), stopAll), (call) => calls.push(call));
    stepFunctions.register(createStopAllMachine(handlers, SPOKE_STOP_ALL_NAME, spoke));
  }
  // A run's end wakes its stop-all's wait, by the template's own rule as each spoke deploys it (its
  // pattern names the spoke's account and region).
  const template = readTemplate();
  const targets = {
    EndWaitsFunction: (input: unknown) =>
      (endWaits as LocalHandler)(input, localLambdaContext(localFunctionArn('EndWaitsFunction')) as Context),
  };
  for (const spoke of data.spokes) {
    const values = localRuleValues(template, { 'AWS::AccountId': spoke.accountId, 'AWS::Region': spoke.region });
    const bus = new LocalEventBus(targets, templateRules(template, values));
    simulators.get(keyOf(spoke))?.observeEvents((event) => void bus.put(event));
  }

  const runs = new Map<string, string[]>();
  for (const spoke of data.spokes) {
    const simulator = simulators.get(keyOf(spoke)) as SageMakerSimulator;
    const sagemaker = new SageMakerClient({ ...BOUNDED_CLIENT_OPTIONS, endpoint: simulator.endpoint, region: spoke.region });
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: data.pipelineName,
        RoleArn: `arn:aws:iam::${spoke.accountId}:role/bench`,
        PipelineDefinition: drainPipeline(data.drainSeconds),
      }),
    );
    const arns: string[] = [];
    for (let index = 0; index < data.runsPerSpoke; index += 1) {
      const { PipelineExecutionArn } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: data.pipelineName }));
      arns.push(PipelineExecutionArn ?? '');
    }
    runs.set(keyOf(spoke), arns);
    sagemaker.destroy();
  }

  port.on('message', (message: SpokesThreadRequest) => {
    if (message.kind === 'report') void report().then((spokes) => reply({ kind: 'report', spokes }));
    if (message.kind === 'close')
      void (async () => {
        await stepFunctions.close();
        await api.close();
        await router.close();
        for (const simulator of simulators.values()) await simulator.close();
        await sqs.close();
        reply({ kind: 'closed' });
      })();
  });

  async function report(): Promise<SpokeFigures[]> {
    const figures: SpokeFigures[] = [];
    for (const spoke of data.spokes) {
      const key = keyOf(spoke);
      const simulator = simulators.get(key) as SageMakerSimulator;
      const sagemaker = new SageMakerClient({ ...BOUNDED_CLIENT_OPTIONS, endpoint: simulator.endpoint, region: spoke.region });
      const ends: number[] = [];
      const statuses: Record<string, number> = {};
      for (const arn of runs.get(key) ?? []) {
        const run = await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
        const status = run.PipelineExecutionStatus ?? 'unknown';
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 'Stopped' || status === 'Failed' || status === 'Succeeded') ends.push(run.LastModifiedTime?.getTime() ?? Number.NaN);
      }
      sagemaker.destroy();
      const executions = stepFunctions
        .list()
        .filter((execution) => execution.stateMachineArn.includes(`:${spoke.region}:${spoke.accountId}:`));
      const results = executions.flatMap((execution) => (execution.result ? [execution.result] : []));
      figures.push({
        ...spoke,
        signals: signals.get(key) ?? [],
        ends,
        statuses,
        stopAlls: executions.length,
        stateTransitions: results.reduce((total, result) => total + billedTransitions(result), 0),
        lambdaInvocations: results.reduce((total, result) => total + result.lambdaInvocations, 0),
        lambdaGbSeconds: simulatedGbSeconds(invocations.get(key) ?? [], data.timeScale),
      });
    }
    return figures;
  }

  reply({
    kind: 'ready',
    spokes: data.spokes.map((spoke) => ({
      ...spoke,
      sagemakerEndpoint: simulators.get(keyOf(spoke))?.endpoint ?? '',
      stepFunctionsEndpoint: api.endpoint,
      stopAllArn: `arn:aws:states:${spoke.region}:${spoke.accountId}:stateMachine:${SPOKE_STOP_ALL_NAME}`,
      runs: runs.get(keyOf(spoke)) ?? [],
    })),
  });
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
});

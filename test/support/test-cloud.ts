/**
 * The e2e tests' local cloud (local/cloud.ts) - the SageMaker Pipelines
 * simulator and the fauxqs SQS emulator on 127.0.0.1, the graceful-stop ASL on
 * the embedded engine with the BUILT handler bundles (dist/functions,
 * `node scripts/build.mjs`) - with events dropped, so a test sees what polling
 * does, and plain SDK clients and helpers to prepare and inspect.
 *
 * One per test file, started in beforeAll. The bundles read their
 * environment (endpoints, GRACEFUL_STOP_TIME_SCALE, ...) once at import and
 * Node caches them, so the endpoints and the time scale are set here before
 * the first import, and every test of the file shares them. Simulated time is
 * consistent: the simulator, the handlers' clock and the Wait states all run
 * `timeScale` times faster than real time.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  type DescribePipelineExecutionCommandOutput,
  type PipelineExecutionStep,
} from '@aws-sdk/client-sagemaker';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startCallbackPoller, type CallbackPoller, type SqsBatchHandler } from '#local/event-source/sqs-event-source.js';
import { projectRoot } from '#local/engine/paths.js';
import type { LocalStateMachine, RunOptions, RunResult } from '#local/engine/runner.js';
import { createQueueWithDeadLetterQueue } from '#local/sqs/emulator.js';
import { startLocalCloud, type LocalCloud } from '#local/cloud.js';
import type { Emulators } from '#local/emulators.js';
import { waitFor, within } from '#local/bounded.js';

const REGION = 'us-east-1';
const DUMMY_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const ROLE_ARN = 'arn:aws:iam::123456789012:role/e2e-pipeline-role';
export const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:e2e-step';
/** Upper bound of one graceful-stop run in real time: a hung run fails its test instead of the whole suite. */
const RUN_TIMEOUT_MS = 90_000;

export interface Simulation {
  DurationSeconds?: number;
  TimeoutSeconds?: number;
  StopDurationSeconds?: number;
  Outcome?: 'Succeeded' | 'Failed';
  /** A fault: the step's job runs on this long after the step ended. */
  JobOutlivesStepSeconds?: number;
}
export type StepJson = Record<string, unknown>;

/** A callback step: sends its messages to `queueUrl`, waits for SendPipelineExecutionStep*. */
export const callbackStep = (name: string, queueUrl: string, dependsOn?: string[]): StepJson => ({
  Name: name,
  Type: 'Callback',
  Arguments: { model_version: { Get: 'Parameters.ModelVersion' } },
  SqsQueueUrl: queueUrl,
  OutputParameters: [{ OutputName: 'approved', OutputType: 'String' }],
  ...(dependsOn ? { DependsOn: dependsOn } : {}),
});

/** A Lambda step: runs `DurationSeconds` simulated seconds, cannot be stopped, fails after `TimeoutSeconds`. */
export const lambdaStep = (name: string, simulation: Simulation, dependsOn?: string[]): StepJson => ({
  Name: name,
  Type: 'Lambda',
  FunctionArn: LAMBDA_ARN,
  Arguments: {},
  OutputParameters: [],
  Simulation: simulation,
  ...(dependsOn ? { DependsOn: dependsOn } : {}),
});

/** A job step (Training by default): Stopping, then Stopped after StopDurationSeconds. */
export const jobStep = (name: string, simulation: Simulation = {}, type = 'Training'): StepJson => ({
  Name: name,
  Type: type,
  Arguments: {},
  Simulation: simulation,
});

export interface TestCloudOptions {
  /** K: simulated seconds per real second, for the simulator, the handlers and the Wait states. */
  timeScale: number;
  /** Replaces every ASL Retry interval (ms). Default 20. */
  retryIntervalMs?: number;
  /** The simulator's transition between steps (simulated seconds; its default otherwise). */
  stepTransitionSeconds?: number;
}

export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface TestCloud {
  readonly cloud: LocalCloud;
  readonly emulators: Emulators;
  readonly timeScale: number;
  /** Plain SDK clients (no project code) for preparing and inspecting. */
  readonly sagemaker: SageMakerClient;
  readonly sqs: SQSClient;
  readonly machine: LocalStateMachine;
  /** The built reference callback consumer (dist/functions/callback-consumer.mjs). */
  readonly referenceConsumer: SqsBatchHandler;
  /** Runs the graceful stop on the embedded engine at the cloud's time scale (bounded in real time). */
  run(input: Record<string, unknown>, options?: RunOptions): Promise<RunResult>;
  /** Creates a pipeline (unique name from `label`) and starts one execution; returns its ARN. */
  startExecution(label: string, steps: StepJson[]): Promise<string>;
  /** A callback queue with its DLQ. */
  callbackQueue(
    label: string,
    options?: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number },
  ): Promise<{ queueUrl: string; deadLetterQueueUrl: string }>;
  /** Every page of ListPipelineExecutionSteps. */
  steps(executionArn: string): Promise<PipelineExecutionStep[]>;
  describe(executionArn: string): Promise<DescribePipelineExecutionCommandOutput>;
  waitForStatus(executionArn: string, status: string, timeoutMs?: number): Promise<DescribePipelineExecutionCommandOutput>;
  /** Waits until every named step has `status` (default Executing). */
  waitForSteps(executionArn: string, names: string[], status?: string, timeoutMs?: number): Promise<PipelineExecutionStep[]>;
  /** Starts a poller (the Lambda event-source mapping's stand-in); stopped by stopConsumers(). */
  consume(queueUrl: string, handler: SqsBatchHandler, options?: { visibilityTimeoutSeconds?: number }): CallbackPoller;
  stopConsumers(): Promise<void>;
  send(queueUrl: string, body: string): Promise<void>;
  queueCounts(queueUrl: string): Promise<QueueCounts>;
  /** Receives (and leaves) the visible messages of a queue, bounded. */
  peek(queueUrl: string, expected: number, timeoutMs?: number): Promise<Message[]>;
  close(): Promise<void>;
}

/** A consumer that consumes every message and answers nothing (most public consumers ignore "Stopping"). */
export function silentConsumer(seen: string[] = []): { handler: SqsBatchHandler; seen: string[] } {
  const handler: SqsBatchHandler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    for (const record of event.Records) {
      const status = (JSON.parse(record.body) as { status?: string }).status ?? '(none)';
      seen.push(status);
    }
    return { batchItemFailures: [] };
  };
  return { handler, seen };
}

async function loadBuiltConsumer(): Promise<SqsBatchHandler> {
  const path = join(projectRoot, 'dist', 'functions', 'callback-consumer.mjs');
  return ((await import(pathToFileURL(path).href)) as { handler: SqsBatchHandler }).handler;
}

let pipelineCounter = 0;

export async function startTestCloud(options: TestCloudOptions): Promise<TestCloud> {
  const { timeScale } = options;
  // Read by the bundles at import: their clock runs K times faster, like the simulator's.
  process.env.GRACEFUL_STOP_TIME_SCALE = String(timeScale);
  const cloud = await startLocalCloud({
    timeScale,
    events: false,
    ...(options.stepTransitionSeconds === undefined ? {} : { stepTransitionSeconds: options.stepTransitionSeconds }),
  });
  const stack = cloud.emulators;
  const referenceConsumer = await loadBuiltConsumer();
  const machine = cloud.gracefulStop;

  const sagemaker = new SageMakerClient({ endpoint: stack.endpoints.sagemakerEndpoint, region: REGION, credentials: DUMMY_CREDENTIALS });
  const sqs = new SQSClient({ endpoint: stack.endpoints.sqsEndpoint, region: REGION, credentials: DUMMY_CREDENTIALS });
  const pollers: CallbackPoller[] = [];

  const steps = async (executionArn: string): Promise<PipelineExecutionStep[]> => {
    const all: PipelineExecutionStep[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < 100; page += 1) {
      const response = await sagemaker.send(
        new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: executionArn, MaxResults: 100, NextToken: nextToken }),
      );
      all.push(...(response.PipelineExecutionSteps ?? []));
      nextToken = response.NextToken;
      if (!nextToken) break;
    }
    return all;
  };
  const stopConsumers = async (): Promise<void> => {
    const running = pollers.splice(0);
    await within('stopping the SQS pollers', Promise.all(running.map((poller) => poller.stop())), 10_000);
  };
  const describe = (executionArn: string) => sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: executionArn }));

  return {
    cloud,
    emulators: stack,
    timeScale,
    sagemaker,
    sqs,
    machine,
    referenceConsumer,
    run: (input, runOptions = {}) =>
      within(
        'the graceful stop',
        machine.run(input, { timeScale, retryIntervalMs: options.retryIntervalMs ?? 20, ...runOptions }),
        RUN_TIMEOUT_MS,
      ),
    async startExecution(label, pipelineSteps) {
      pipelineCounter += 1;
      const name = `e2e-${label}-${pipelineCounter}`;
      await sagemaker.send(
        new CreatePipelineCommand({
          PipelineName: name,
          RoleArn: ROLE_ARN,
          PipelineDefinition: JSON.stringify({
            Version: '2020-12-01',
            Metadata: {},
            Parameters: [{ Name: 'ModelVersion', Type: 'String', DefaultValue: '2026.11' }],
            Steps: pipelineSteps,
          }),
        }),
      );
      const { PipelineExecutionArn } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: name }));
      if (!PipelineExecutionArn) throw new Error(`StartPipelineExecution of ${name} returned no ARN.`);
      return PipelineExecutionArn;
    },
    callbackQueue: (label, queueOptions = {}) => {
      pipelineCounter += 1;
      return createQueueWithDeadLetterQueue(stack.endpoints.sqsEndpoint, `e2e-${label}-${pipelineCounter}`, {
        maxReceiveCount: queueOptions.maxReceiveCount ?? 3,
        visibilityTimeoutSeconds: queueOptions.visibilityTimeoutSeconds ?? 5,
      });
    },
    steps,
    describe,
    waitForStatus: (executionArn, status, timeoutMs = 10_000) =>
      waitFor(
        `execution status ${status}`,
        () => describe(executionArn),
        (d) => d.PipelineExecutionStatus === status,
        { timeoutMs },
      ),
    waitForSteps: (executionArn, names, status = 'Executing', timeoutMs = 10_000) =>
      waitFor(
        `steps ${names.join(', ')} ${status}`,
        () => steps(executionArn),
        (all) => names.every((name) => all.some((step) => step.StepName === name && step.StepStatus === status)),
        { timeoutMs },
      ),
    consume(queueUrl, handler, consumeOptions = {}) {
      const poller = startCallbackPoller({
        sqsEndpoint: stack.endpoints.sqsEndpoint,
        queueUrl,
        handler,
        waitTimeSeconds: 1,
        maxRunMilliseconds: 60_000,
        ...(consumeOptions.visibilityTimeoutSeconds === undefined
          ? {}
          : { visibilityTimeoutSeconds: consumeOptions.visibilityTimeoutSeconds }),
      });
      pollers.push(poller);
      return poller;
    },
    stopConsumers,
    async send(queueUrl, body) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
    async queueCounts(queueUrl) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      return {
        visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
      };
    },
    async peek(queueUrl, expected, timeoutMs = 5_000) {
      const messages = new Map<string, Message>();
      const deadline = Date.now() + timeoutMs;
      while (messages.size < expected && Date.now() < deadline) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: 30,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        for (const message of Messages) messages.set(message.MessageId ?? String(messages.size), message);
      }
      return [...messages.values()];
    },
    async close() {
      await stopConsumers();
      sagemaker.destroy();
      sqs.destroy();
      await cloud.close();
    },
  };
}

/**
 * The local cloud of one test file: started before its tests, its faults cleared and consumers stopped
 * after each test, closed after the file. Read it through the returned getter inside tests and hooks.
 */
export function useTestCloud(options: TestCloudOptions): () => TestCloud {
  let testCloud: TestCloud | undefined;
  beforeAll(async () => {
    testCloud = await startTestCloud(options);
  });
  afterEach(async () => {
    testCloud?.emulators.simulator.faults.clear();
    await testCloud?.stopConsumers();
  });
  afterAll(async () => {
    await testCloud?.close();
  });
  return () => {
    if (!testCloud) throw new Error('The e2e test testCloud is used before its beforeAll has run.');
    return testCloud;
  };
}

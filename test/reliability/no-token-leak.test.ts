/**
 * Secrets: no log line and no output of a graceful stop contains a full
 * callback token, even at DEBUG log level, on the path that handles tokens
 * most: one callback step force-released by the state machine and one
 * acknowledged by the reference consumer. The real tokens are read from the
 * simulator with a plain SDK call; logs are captured at process level.
 */
import {
  CreatePipelineCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackPoller, type CallbackPoller, type SqsBatchHandler } from '#local/event-source/sqs-event-source.js';

import type { LocalStateMachine, RunResult } from '#local/engine/runner.js';
import { createSqsClient } from '#local/sqs/emulator.js';
import { startLocalCloud, type LocalCloud } from '#local/cloud.js';
import type { Emulators } from '#local/emulators.js';
import { maskToken } from '#commons/tokens.js';
import { waitFor, withDeadline } from '#local/bounded.js';
import { loadBundleInstance } from '#test/support/bundle-instances.js';

const TIME_SCALE = 50;
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Everything written to stdout/stderr or through the global console while `work` runs. */
async function capturingLogs<T>(work: () => Promise<T>): Promise<{ value: T; logs: string }> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write);
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const originals = methods.map((method) => console[method]);
  streams.forEach((stream) => {
    stream.write = ((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof stream.write;
  });
  methods.forEach((method) => {
    console[method] = (...parts: unknown[]) =>
      void chunks.push(parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' '));
  });
  try {
    return { value: await work(), logs: chunks.join('\n') };
  } finally {
    streams.forEach((stream, index) => (stream.write = writes[index] as typeof stream.write));
    methods.forEach((method, index) => (console[method] = originals[index] as (typeof console)[typeof method]));
  }
}

let cloud: LocalCloud;
let stack: Emulators;
let sagemaker: SageMakerClient;
let sqs: SQSClient;
let machine: LocalStateMachine;
let consumer: SqsBatchHandler;
const pollers: CallbackPoller[] = [];

beforeAll(async () => {
  // Before the bundles load: they read their environment once, at import.
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.GRACEFUL_STOP_TIME_SCALE = String(TIME_SCALE);
  let consumerOfInstance: SqsBatchHandler | undefined;
  cloud = await startLocalCloud({
    timeScale: TIME_SCALE,
    events: false,
    // A private instance of the bundles, whose DEBUG log lines this file captures.
    loadGracefulStopHandlers: async () => {
      const bundles = await loadBundleInstance('no-token-leak');
      consumerOfInstance = bundles.consumer;
      return bundles.handlers;
    },
  });
  stack = cloud.emulators;
  machine = cloud.gracefulStop;
  if (!consumerOfInstance) throw new Error('The bundle instance was not loaded.');
  consumer = consumerOfInstance;
  sagemaker = new SageMakerClient({ endpoint: stack.endpoints.sagemakerEndpoint, region: REGION, credentials: CREDENTIALS });
  sqs = createSqsClient(stack.endpoints.sqsEndpoint);
});

afterAll(async () => {
  await Promise.all(pollers.map((poller) => withDeadline(poller.stop(), 5_000)));
  sagemaker?.destroy();
  sqs?.destroy();
  await cloud?.close();
});

async function queue(name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '1' } }));
  if (!QueueUrl) throw new Error('CreateQueue returned no URL');
  return QueueUrl;
}

describe('callback tokens in logs and outputs', () => {
  let tokens: { answered: string; released: string };
  let run: RunResult;
  let logs: string;

  beforeAll(async () => {
    // Prepare: Approve's consumer acknowledges "Stopping"; Review's consumer ignores it, so the stop force-releases it.
    const [approveQueue, reviewQueue] = await Promise.all([queue('approve-callbacks'), queue('review-callbacks')]);
    const callbackStep = (name: string, queueUrl: string) => ({
      Name: name,
      Type: 'Callback',
      Arguments: { job: name },
      SqsQueueUrl: queueUrl,
      OutputParameters: [],
    });
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: 'token-leak',
        RoleArn: 'arn:aws:iam::123456789012:role/token-leak',
        PipelineDefinition: JSON.stringify({
          Version: '2020-12-01',
          Steps: [callbackStep('Approve', approveQueue), callbackStep('Review', reviewQueue)],
        }),
      }),
    );
    const { PipelineExecutionArn: arn = '' } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: 'token-leak' }));
    const steps = await waitFor(
      'both callback steps to have tokens',
      async () =>
        (await sagemaker.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn, MaxResults: 100 })))
          .PipelineExecutionSteps ?? [],
      (list) => list.filter((step) => step.Metadata?.Callback?.CallbackToken).length === 2,
    );
    const tokenOf = (name: string) => steps.find((step) => step.StepName === name)?.Metadata?.Callback?.CallbackToken ?? '';
    tokens = { answered: tokenOf('Approve'), released: tokenOf('Review') };
    const poll = (queueUrl: string, handler: SqsBatchHandler) =>
      startCallbackPoller({ sqsEndpoint: stack.endpoints.sqsEndpoint, queueUrl, handler, waitTimeSeconds: 1, maxRunMilliseconds: 30_000 });
    // Act
    const captured = await capturingLogs(async () => {
      pollers.push(
        poll(approveQueue, consumer),
        poll(reviewQueue, async () => ({ batchItemFailures: [] })),
      );
      const result = await withDeadline(
        machine.run(
          { pipelineExecutionArn: arn, reason: 'secrets test', maxWaitSeconds: 600, releaseCallbacksAfterSeconds: 5 },
          { timeScale: TIME_SCALE, retryIntervalMs: 10 },
        ),
        15_000,
      );
      await Promise.all(pollers.map((poller) => withDeadline(poller.stop(), 5_000)));
      if (result.settled !== 'resolved') throw new Error(`The graceful stop did not end: ${result.settled}`);
      return result.value;
    });
    run = captured.value;
    logs = captured.logs;
  }, 120_000);

  it('ends Stopped with one step acknowledged by the consumer and one force-released', () => {
    // Prepare
    const output = run.output as { outcome?: string; releasedCallbackSteps?: { stepName: string; result: string }[] };
    // Act
    const released = output.releasedCallbackSteps?.map(({ stepName, result }) => ({ stepName, result }));
    // Assess
    expect(tokens.answered).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(tokens.released).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(output.outcome).toBe('Stopped');
    expect(released).toEqual([{ stepName: 'Review', result: 'Released' }]);
    expect(logs, 'the consumer logged its acknowledgement').toContain('Stop acknowledged');
  });

  it('writes no full token in any log line, at DEBUG level', () => {
    // Prepare
    const lines = logs.split('\n').filter((line) => line.trim() !== '');
    // Act
    const leaking = lines.filter((line) => line.includes(tokens.answered) || line.includes(tokens.released));
    // Assess
    expect(lines.length).toBeGreaterThan(5);
    expect(logs, 'INFO lines are written: the DEBUG level (below the suite-wide WARN) took effect').toContain('"level":"INFO"');
    expect(leaking).toEqual([]);
    expect(logs).toContain(maskToken(tokens.answered));
    expect(logs).toContain(maskToken(tokens.released));
  });

  it('puts no full token in the output, the error or any state input and output of the execution history', () => {
    // Prepare
    const documents = [
      run.output,
      run.error,
      run.cause,
      ...run.events.map((event) => ({ input: event.state?.input, output: event.state?.output, cause: event.Cause })),
    ];
    // Act
    const text = JSON.stringify(documents);
    // Assess
    expect(run.events.length).toBeGreaterThan(10);
    expect(text).not.toContain(tokens.answered);
    expect(text).not.toContain(tokens.released);
    expect(JSON.stringify(run.output)).toContain(maskToken(tokens.released));
    expect(JSON.stringify(run.output)).toContain(maskToken(tokens.answered));
  });
});

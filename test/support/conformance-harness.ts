/**
 * Conformance harness: starts the simulator and the SQS emulator and hands out
 * plain AWS SDK clients pointed at them. Only the two start functions come from
 * the project; everything else the tests do goes over the wire.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll } from 'vitest';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startSageMakerSimulator, type SageMakerSimulator, type SageMakerSimulatorOptions } from '#local/simulator/index.js';
import { startSqsEmulator, type SqsEmulator } from '#local/sqs/emulator.js';

export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/SimulatedPipelineRole';

export interface Harness {
  simulator: SageMakerSimulator;
  sqsEmulator: SqsEmulator;
  sagemaker: SageMakerClient;
  /** No retries: a fault injected once is seen once. */
  sagemakerNoRetry: SageMakerClient;
  sqs: SQSClient;
  close(): Promise<void>;
}

/** The simulator's own settings a conformance suite may choose (time scale 100 unless given). */
export type HarnessOptions = Pick<SageMakerSimulatorOptions, 'timeScale' | 'concurrentExecutionLimit' | 'stepTransitionSeconds'>;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sqsEmulator = await startSqsEmulator();
  const simulator = await startSageMakerSimulator({ timeScale: 100, ...options, sqsEndpoint: sqsEmulator.endpoint }).catch(
    async (error: unknown) => {
      await sqsEmulator.close();
      throw error;
    },
  );
  const sagemaker = sageMakerClient(simulator.endpoint);
  const sagemakerNoRetry = sageMakerClient(simulator.endpoint, { maxAttempts: 1 });
  const sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: REGION, credentials: CREDENTIALS });
  return {
    simulator,
    sqsEmulator,
    sagemaker,
    sagemakerNoRetry,
    sqs,
    async close() {
      sagemaker.destroy();
      sagemakerNoRetry.destroy();
      sqs.destroy();
      await simulator.close();
      await sqsEmulator.close();
    },
  };
}

export function sageMakerClient(endpoint: string, options: { maxAttempts?: number } = {}): SageMakerClient {
  return new SageMakerClient({ endpoint, region: REGION, credentials: CREDENTIALS, ...options });
}

let counter = 0;
/** Unique within a test file (pipelines and queues live for the whole file). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function createQueue(sqs: SQSClient, name = uniqueName('callbacks')): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error('CreateQueue returned no QueueUrl');
  return QueueUrl;
}

/**
 * One harness for a test file, started before its tests and closed after
 * them; the returned object reads the started harness (use it inside tests).
 */
export function useHarness(options: HarnessOptions = {}): Harness {
  let current: Harness | undefined;
  beforeAll(async () => {
    current = await startHarness(options);
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as Harness, {
    get: (_target, key) => {
      if (!current) throw new Error('The conformance harness is used before its beforeAll has run.');
      return current[key as keyof Harness];
    },
  });
}

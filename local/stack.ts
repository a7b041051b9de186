import { startSageMakerSimulator, type SageMakerSimulator } from './simulator/index.js';
import { startSqsEmulator, type SqsEmulator } from './sqs/emulator.js';
import { LOCAL_LEDGER_BUCKET, createLedgerBucket } from './ledger-bucket.js';

/** The local AWS stand-ins: SageMaker Pipelines simulator + SQS (and S3) emulator, both on 127.0.0.1. */
export interface LocalStack {
  simulator: SageMakerSimulator;
  sqs: SqsEmulator;
  endpoints: { sagemakerEndpoint: string; sqsEndpoint: string };
  close(): Promise<void>;
}

export interface LocalStackOptions {
  port?: number;
  sqsPort?: number;
  host?: string;
  timeScale?: number;
  /** The simulated account's quota of pipeline executions running at once (default 20, SageMaker's default). */
  concurrentExecutionLimit?: number;
  /** Simulated seconds between a step's end and the start of the next (default 1; a stop then answers ConflictException). */
  stepTransitionSeconds?: number;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const sqs = await startSqsEmulator({ port: options.sqsPort ?? 0, host });
  const simulator = await startSageMakerSimulator({
    port: options.port ?? 0,
    host,
    timeScale: options.timeScale ?? 1,
    sqsEndpoint: sqs.endpoint,
    ...(options.concurrentExecutionLimit !== undefined ? { concurrentExecutionLimit: options.concurrentExecutionLimit } : {}),
    ...(options.stepTransitionSeconds !== undefined ? { stepTransitionSeconds: options.stepTransitionSeconds } : {}),
  }).catch(async (error: unknown) => {
    await sqs.close();
    throw error;
  });
  // The emulator serves S3 too: stop-all's fleet ledgers live there.
  await createLedgerBucket(sqs.endpoint).catch(async (error: unknown) => {
    await simulator.close();
    await sqs.close();
    throw error;
  });
  return {
    simulator,
    sqs,
    endpoints: { sagemakerEndpoint: simulator.endpoint, sqsEndpoint: sqs.endpoint },
    async close() {
      try {
        await simulator.close();
      } finally {
        await sqs.close();
      }
    },
  };
}

/**
 * Points every AWS SDK client created afterwards (our handler bundles included)
 * at the local stack, with dummy credentials: nothing reaches AWS.
 */
export function useLocalEndpoints(endpoints: LocalStack['endpoints']): void {
  process.env.AWS_ENDPOINT_URL_SAGEMAKER = endpoints.sagemakerEndpoint;
  process.env.AWS_ENDPOINT_URL_SQS = endpoints.sqsEndpoint;
  process.env.AWS_ENDPOINT_URL_S3 = endpoints.sqsEndpoint;
  process.env.FLEET_LEDGER_BUCKET = LOCAL_LEDGER_BUCKET;
  process.env.STOP_RECORDS_BUCKET = LOCAL_LEDGER_BUCKET;
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.AWS_REGION = 'us-east-1';
}

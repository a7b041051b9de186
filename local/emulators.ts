import { startSageMakerSimulator, type SageMakerSimulator, type SageMakerSimulatorOptions } from '#local/simulator/index.js';
import { startSqsEmulator, type SqsEmulator } from '#local/sqs/emulator.js';
import { LOCAL_LEDGER_BUCKET, createLedgerBucket } from './ledger-bucket.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './account.js';

/**
 * The local cloud's emulators: the SageMaker Pipelines simulator and the SQS (and S3) emulator, both
 * on 127.0.0.1, with the bucket of the stop records and fleet ledgers. Started by startLocalCloud
 * (local/cloud.ts), alone (`parts: 'emulators'`) or under Step Functions and EventBridge.
 */
export interface Emulators {
  simulator: SageMakerSimulator;
  sqs: SqsEmulator;
  endpoints: { sagemakerEndpoint: string; sqsEndpoint: string };
  close(): Promise<void>;
}

/** The simulator's account quota and step transition pass through as they are (their defaults are the simulator's). */
export interface EmulatorOptions extends Pick<SageMakerSimulatorOptions, 'concurrentExecutionLimit' | 'stepTransitionSeconds'> {
  port?: number;
  sqsPort?: number;
  host?: string;
  timeScale?: number;
}

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const host = options.host ?? '127.0.0.1';
  const sqs = await startSqsEmulator({ port: options.sqsPort ?? 0, host });
  const simulator = await startSageMakerSimulator({
    port: options.port ?? 0,
    host,
    timeScale: options.timeScale ?? 1,
    sqsEndpoint: sqs.endpoint,
    concurrentExecutionLimit: options.concurrentExecutionLimit,
    accountId: LOCAL_ACCOUNT_ID,
    region: LOCAL_REGION,
    stepTransitionSeconds: options.stepTransitionSeconds,
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
 * at the emulators, with dummy credentials: nothing reaches AWS.
 */
export function useLocalEndpoints(endpoints: Emulators['endpoints']): void {
  process.env.AWS_ENDPOINT_URL_SAGEMAKER = endpoints.sagemakerEndpoint;
  process.env.AWS_ENDPOINT_URL_SQS = endpoints.sqsEndpoint;
  process.env.AWS_ENDPOINT_URL_S3 = endpoints.sqsEndpoint;
  process.env.FLEET_LEDGER_BUCKET = LOCAL_LEDGER_BUCKET;
  process.env.STOP_RECORDS_BUCKET = LOCAL_LEDGER_BUCKET;
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.AWS_REGION = LOCAL_REGION;
}

/**
 * The stack's bucket off AWS: stop-all keeps its fleet ledgers there, every stop its stop records and
 * wait tokens; locally S3 is the emulator's (fauxqs serves SQS and S3 on one endpoint, on
 * 127.0.0.1). The bucket is created when the stack starts.
 */
import { AwsClient } from 'aws4fetch';
import { REQUEST_TIMEOUT_MS } from '#commons/clients.js';
import { startSqsEmulator } from '#local/sqs/emulator.js';

/** The local stand-in for the deployment's FleetLedgerBucket. */
export const LOCAL_LEDGER_BUCKET = 'graceful-stop-fleet-ledgers';

/** Creates the ledger bucket on the emulator at `endpoint` (again is fine). */
export async function createLedgerBucket(endpoint: string): Promise<void> {
  const s3 = new AwsClient({ accessKeyId: 'local', secretAccessKey: 'local', service: 's3', region: 'us-east-1', retries: 0 });
  const response = await s3.fetch(`${endpoint.replace(/\/+$/, '')}/${LOCAL_LEDGER_BUCKET}`, {
    method: 'PUT',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok && !/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(text)) {
    throw new Error(
      `The local S3 emulator at ${endpoint} did not create bucket ${LOCAL_LEDGER_BUCKET}: ${response.status} ${text.slice(0, 200)}`,
    );
  }
}

/**
 * Points the functions at a local bucket for ledgers and stop records: the one `simulate` exported
 * (AWS_ENDPOINT_URL_S3), or an emulator of this process's own, closed with the returned function.
 */
export async function useLocalLedgers(env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
  env.FLEET_LEDGER_BUCKET ||= LOCAL_LEDGER_BUCKET;
  env.STOP_RECORDS_BUCKET ||= LOCAL_LEDGER_BUCKET;
  if (env.AWS_ENDPOINT_URL_S3) {
    await createLedgerBucket(env.AWS_ENDPOINT_URL_S3);
    return async () => undefined;
  }
  const emulator = await startSqsEmulator();
  env.AWS_ENDPOINT_URL_S3 = emulator.endpoint;
  await createLedgerBucket(emulator.endpoint);
  return async () => {
    delete env.AWS_ENDPOINT_URL_S3;
    await emulator.close();
  };
}

/**
 * Who of this stack is on a run, and how to wake them: small objects in the stack's bucket.
 *
 * - `stops/<run>/<stop>`: written by a graceful stop or a stop-all before it signals a run (or
 *   when it takes a run in). The stop watch reads it: a run with a record was stopped by this
 *   stack and is not watched again. The wake-up reads it: who waits on the run.
 * - `waits/<stop>`: the task token of the wait a stop is in now. A run's terminal event hands it
 *   to Step Functions (SendTaskSuccess), which ends that wait at once; a token that already ended
 *   (timed out into the next poll, or woken before) is refused by Step Functions and changes nothing.
 * - `ended/<run>`: the run's terminal event came. A check that watches the run from inside its
 *   Lambda function (between two polls) looks for it every second, and polls at once when it is there.
 *
 * Keys carry SHA-256 digests, not ARNs: fixed length, no characters S3 would need escaped.
 */
import { NamedError, isErrorNamed } from '#commons/errors.js';
import { logger } from '#commons/logger.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { digestOf } from '#commons/tokens.js';
import { createObjectStore, type ObjectStore } from '#commons/object-store.js';
import { requireEnv } from '#commons/config.js';

/** At most this many stops are looked up for one run (one listing call); more would be a fault. */
export const MAX_STOPS_PER_RUN = 50;

const digest = (text: string): string => digestOf(text, 40);
const runPrefix = (runArn: string): string => `stops/${digest(runArn)}/`;
const waitKey = (stopDigest: string): string => `waits/${stopDigest}.json`;
const endedKey = (runArn: string): string => `ended/${digest(runArn)}.json`;

export interface StopRecord {
  pipelineExecutionArn: string;
  /** The Step Functions execution that stops or watches the run. */
  stopExecutionArn: string;
  /** True when that execution signalled the run; false when it drains a stop someone else made. */
  signalled: boolean;
  at: string;
}

export interface WaitRecord {
  stopExecutionArn: string;
  taskToken: string;
  at: string;
}

/** A record in the bucket is not what this stack writes. */
export class StopRecordUnreadable extends NamedError {
  constructor(key: string, cause?: unknown) {
    super('StopRecordUnreadable', `The object ${key} is not a stop record; expected the JSON this stack writes.`, cause);
  }
}

export interface StopRecords {
  /** Says that `record.stopExecutionArn` is on the run; before the stop when it signals. */
  write(record: StopRecord): Promise<void>;
  /** The digests of the stops on a run (none when nobody of this stack is on it). */
  stopsOn(pipelineExecutionArn: string): Promise<string[]>;
  /** Keeps the token of the wait a stop is in now (one per stop: the newest wins). */
  registerWait(record: WaitRecord): Promise<void>;
  /** The wait a stop is in, removed so that it is woken once; undefined when there is none. */
  takeWait(stopDigest: string): Promise<WaitRecord | undefined>;
  /** Says the run's terminal event came (for the checks watching it from inside their function). */
  markEnded(pipelineExecutionArn: string, status: string, at: string): Promise<void>;
  /** Whether the run's terminal event came. */
  hasEnded(pipelineExecutionArn: string): Promise<boolean>;
}

export function s3StopRecords(objects: ObjectStore): StopRecords {
  return {
    async write(record) {
      await objects.put(`${runPrefix(record.pipelineExecutionArn)}${digest(record.stopExecutionArn)}`, JSON.stringify(record));
    },
    async stopsOn(pipelineExecutionArn) {
      const prefix = runPrefix(pipelineExecutionArn);
      return (await objects.list(prefix, MAX_STOPS_PER_RUN))
        .map((key) => key.slice(prefix.length))
        .filter((name) => /^[0-9a-f]{40}$/.test(name));
    },
    async registerWait(record) {
      await objects.put(waitKey(digest(record.stopExecutionArn)), JSON.stringify(record));
    },
    async takeWait(stopDigest) {
      const key = waitKey(stopDigest);
      let text: string;
      try {
        text = await objects.get(key);
      } catch (error) {
        if (isErrorNamed(error, 'NoSuchKey')) return undefined;
        throw error;
      }
      await objects.delete(key);
      let parsed: Partial<WaitRecord>;
      try {
        parsed = JSON.parse(text) as Partial<WaitRecord>;
      } catch (error) {
        throw new StopRecordUnreadable(key, error);
      }
      if (typeof parsed.taskToken !== 'string' || typeof parsed.stopExecutionArn !== 'string') throw new StopRecordUnreadable(key);
      return parsed as WaitRecord;
    },
    async markEnded(pipelineExecutionArn, status, at) {
      await objects.put(endedKey(pipelineExecutionArn), JSON.stringify({ pipelineExecutionArn, status, at }));
    },
    async hasEnded(pipelineExecutionArn) {
      try {
        await objects.get(endedKey(pipelineExecutionArn));
        return true;
      } catch (error) {
        // Without s3:ListBucket (least privilege) S3 answers a missing key 403 AccessDenied instead of 404.
        if (isErrorNamed(error, 'NoSuchKey', 'AccessDenied')) return false;
        throw error;
      }
    },
  };
}

/**
 * Says a stop is on a run, before it signals. A record that cannot be written costs a duplicate
 * drain (the stop watch may take the run too) or a wake-up at the next poll instead of the event,
 * never the stop: it is logged and counted (StopRecordNotWritten). Whether it was written.
 */
export async function writeStopRecord(records: StopRecords, record: StopRecord): Promise<boolean> {
  try {
    await records.write(record);
    return true;
  } catch (error) {
    logger.warn('A stop record could not be written; the stop goes on', {
      pipelineExecutionArn: record.pipelineExecutionArn,
      error: error as Error,
    });
    metrics.addMetric(METRIC.stopRecordNotWritten, MetricUnit.Count, 1);
    return false;
  }
}

/** The digest under which a stop's records are kept (for tests and logs). */
export const stopDigestOf = (stopExecutionArn: string): string => digest(stopExecutionArn);

/** The deployment's stop records, in its bucket (STOP_RECORDS_BUCKET), read once at load. */
export function createStopRecords(env: NodeJS.ProcessEnv = process.env): StopRecords {
  return s3StopRecords(createObjectStore({ bucket: requireEnv('STOP_RECORDS_BUCKET', env), env }));
}

/** What the stop-all unit tests share: runs as SageMaker lists them, a request, and a ledger store in memory. */
import type { PipelineExecutionStatus, PipelineExecutionSummary } from '@aws-sdk/client-sagemaker';
import { parseLedger, type LedgerStore } from '#stop-all/ledger.js';
import type { FleetLedger, FleetRun, LedgerRef } from '#stop-all/model.js';
import type { StopAllRequest } from '#stop-all/stop-all-request.js';
import { T0 } from './fixtures.js';

export const PIPELINE = 'nightly-scoring';
export const EXECUTION_ID = 'arn:aws:states:us-east-1:123456789012:execution:stop-all:release-2026-11';
export const arnOf = (id: string, pipeline = PIPELINE): string =>
  `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${pipeline}/execution/${id}`;
export const summary = (
  id: string,
  status: PipelineExecutionStatus,
  minutesBeforeT0: number,
  pipeline = PIPELINE,
): PipelineExecutionSummary => ({
  PipelineExecutionArn: arnOf(id, pipeline),
  PipelineExecutionStatus: status,
  StartTime: new Date(Date.parse(T0) - minutesBeforeT0 * 60_000),
});
export const request = (overrides: Partial<StopAllRequest> = {}): StopAllRequest => ({
  pipelineName: PIPELINE,
  olderThanSeconds: 0,
  signalRatePerSecond: 10,
  dryRun: false,
  maxWaitSeconds: 900,
  ...overrides,
});

/** A run as the listing writes it: Executing (to signal) unless said otherwise. */
export const fleetRun = (id: string, overrides: Partial<FleetRun> = {}): FleetRun => ({
  arn: arnOf(id),
  pipelineName: PIPELINE,
  startedAt: Date.parse(T0) - 60_000,
  listedStatus: 'Executing',
  status: 'Executing',
  ...overrides,
});

export const ledgerOf = (runs: FleetRun[], overrides: Partial<FleetLedger> = {}): FleetLedger => ({
  version: 1,
  executionId: EXECUTION_ID,
  request: request(),
  listedAt: Date.parse(T0),
  runs,
  nextSignal: 0,
  cycles: 0,
  calls: {},
  ...overrides,
});

/** Ledgers kept as JSON text, as S3 would keep them: what is read back is what was written, never the same object. */
export class MemoryLedgers implements LedgerStore {
  readonly objects = new Map<string, string>();
  writes = 0;

  async read(ref: LedgerRef): Promise<FleetLedger> {
    const text = this.objects.get(ref.key);
    if (text === undefined) throw new Error(`no ledger at ${ref.key}`);
    return parseLedger(text, this.location(ref));
  }

  async write(ref: LedgerRef, ledger: FleetLedger): Promise<void> {
    this.writes += 1;
    this.objects.set(ref.key, JSON.stringify(ledger));
  }

  location(ref: LedgerRef): string {
    return `s3://test-ledgers/${ref.key}`;
  }

  /** The one ledger written so far. */
  get only(): FleetLedger {
    const [text] = [...this.objects.values()];
    if (text === undefined || this.objects.size !== 1) throw new Error(`expected one ledger, found ${this.objects.size}`);
    return JSON.parse(text) as FleetLedger;
  }
}

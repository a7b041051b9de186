/** What each part of a stop-all cycle works with: SageMaker, the ledgers, the clock, the stop records, and the paced call. */
import type { PipelineExecutionStep, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { listAllSteps } from '#pipeline-runs/pipeline-steps.js';
import type { Clock } from '#commons/clock.js';
import { clip } from '#commons/text.js';
import type { StopRecords } from '#stop-records/stop-records.js';
import type { LedgerStore } from './ledger.js';
import type { PacedCall } from './paced-calls.js';

export interface SweepDependencies {
  sagemaker: SageMakerClient;
  ledgers: LedgerStore;
  clock: Clock;
  /** Each run's stop record: written before its signal (or when taken in), so the stop watch leaves it alone and its end wakes the fleet. */
  stopRecords: StopRecords;
}

/** Waits for the pace of one SageMaker operation (by name) before its call. */
export type Call = PacedCall;

/** A cause or failure reason in the ledger, at most this long. */
export const CAUSE_LENGTH = 600;

export const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'Error');
export const errorText = (error: unknown): string => clip(error instanceof Error ? error.message : String(error), CAUSE_LENGTH);

/** Reads a run's steps (every page), paced: for a release, or to name what failed or still drains. */
export function stepsOf(run: { arn: string }, deps: SweepDependencies, call: Call): Promise<PipelineExecutionStep[]> {
  return listAllSteps(deps.sagemaker, run.arn, () => call('ListPipelineExecutionSteps'));
}

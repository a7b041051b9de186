/**
 * The stop watch: a run entering Stopping that this stack did not stop (the SageMaker console,
 * `execution.stop()` in the SageMaker Python SDK, `aws sagemaker stop-pipeline-execution`) gets a
 * graceful stop that drains with it - no second StopPipelineExecution - releases callback steps
 * nobody answers after the watch's grace, and reports like any other stop.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { matchesGlob } from '#commons/glob.js';
import { InvalidInput } from '#commons/errors.js';
import { parseRunStatusChange } from '#pipeline-runs/run-events.js';
import { startGracefulStop } from '#stop-records/start-graceful-stop.js';
import type { StopRecords } from '#stop-records/stop-records.js';

export interface WatchSettings {
  gracefulStopStateMachineArn: string;
  /** The deployment's PipelineNamePattern: runs outside it are not ours to drain. */
  pipelineNamePattern: string;
  /** Seconds after which callback steps that ignored the Stopping message are released. */
  graceSeconds: number;
  /** The deployment's default deadline; the watch's is at least a minute past its grace. */
  defaultMaxWaitSeconds: number;
}

export interface WatchDependencies {
  sfn: SFNClient;
  stopRecords: StopRecords;
  settings: WatchSettings;
}

export type WatchResult =
  | { watched: true; pipelineExecutionArn: string; gracefulStopExecutionArn: string }
  | {
      watched: false;
      pipelineExecutionArn: string;
      why: 'OutsidePipelineNamePattern' | 'StoppedByThisStack' | 'AlreadyWatched';
      gracefulStopExecutionArn?: string;
    };

/** Time for released steps to end after the grace, when the default deadline leaves less. */
const AFTER_GRACE_SECONDS = 60;

export const WATCH_REASON = 'Stopped outside this stack (SageMaker console, SDK or CLI): the stop watch drains it.';

export async function watchStoppingRun(event: unknown, deps: WatchDependencies): Promise<WatchResult> {
  const change = parseRunStatusChange(event);
  const { pipelineExecutionArn } = change;
  if (change.status !== 'Stopping') {
    throw new InvalidInput(
      `The event says the run is ${change.status}; expected a run entering Stopping (the stop watch's rule matches only those).`,
    );
  }
  // ARNs carry the pipeline name in lower case: the pattern is matched without regard to case, as the rule's is.
  if (!matchesGlob(deps.settings.pipelineNamePattern.toLowerCase(), change.pipelineName.toLowerCase())) {
    return { watched: false, pipelineExecutionArn, why: 'OutsidePipelineNamePattern' };
  }
  // A stop of this stack writes its record before it signals, so its Stopping event always finds it.
  if ((await deps.stopRecords.stopsOn(pipelineExecutionArn)).length > 0) {
    return { watched: false, pipelineExecutionArn, why: 'StoppedByThisStack' };
  }
  const { graceSeconds, defaultMaxWaitSeconds } = deps.settings;
  const started = await startGracefulStop(deps.sfn, deps.settings.gracefulStopStateMachineArn, 'watch', {
    pipelineExecutionArn,
    drainOnly: true,
    reason: WATCH_REASON,
    releaseCallbacksAfterSeconds: graceSeconds,
    maxWaitSeconds: Math.max(defaultMaxWaitSeconds, graceSeconds + AFTER_GRACE_SECONDS),
  });
  return started.started
    ? { watched: true, pipelineExecutionArn, gracefulStopExecutionArn: started.executionArn }
    : { watched: false, pipelineExecutionArn, why: 'AlreadyWatched', gracefulStopExecutionArn: started.executionArn };
}

import type { Context } from 'aws-lambda';
import { allFunctionsEnvironment } from './template-environment.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '#local/account.js';

/**
 * The graceful-stop Lambda functions by logical id (as in template.yaml and
 * the ASL's `${<LogicalId>Arn}` substitutions) and their handler file name.
 * A template test keeps this table and template.yaml in step.
 */
export const GRACEFUL_STOP_FUNCTIONS = {
  StopPipelineExecutionFunction: 'stop-pipeline-execution',
  CheckPipelineExecutionFunction: 'check-pipeline-execution',
  ReleaseCallbackStepsFunction: 'release-callback-steps',
  ReportOutcomeFunction: 'report-outcome',
  PublishCompletionEventFunction: 'publish-completion-event',
  WaitForRunEventsFunction: 'wait-for-run-events',
  StopLeftoverJobsFunction: 'stop-leftover-jobs',
} as const;

/**
 * The functions EventBridge rules start (template.yaml's own rules route to them off AWS too):
 * the wake-up on a run's end, the stop watch, the orphan guard and the pipelines' concurrency limits.
 */
export const RUN_EVENT_FUNCTIONS = {
  EndWaitsFunction: 'end-waits',
  WatchStoppingRunFunction: 'watch-stopping-run',
  StopOrphanedRunsFunction: 'stop-orphaned-runs',
  LimitConcurrentRunsFunction: 'limit-concurrent-runs',
} as const;
export type RunEventFunctionLogicalId = keyof typeof RUN_EVENT_FUNCTIONS;

export type FunctionLogicalId = keyof typeof GRACEFUL_STOP_FUNCTIONS;
/** A Lambda handler as the runner calls it: JSON in (with a Lambda context), JSON out. */
export type LocalHandler = (event: unknown, context: Context) => Promise<unknown>;
export type HandlerTable = Record<FunctionLogicalId, LocalHandler>;

/**
 * Environment the handlers read at load, for a local run: what template.yaml
 * deploys with its parameter defaults, plus what Lambda itself would set.
 */
export const LOCAL_FUNCTION_ENVIRONMENT: Record<string, string> = {
  ...allFunctionsEnvironment(),
  // The deployment's FleetLedgerBucket; locally the emulator's bucket of that name (local/ledger-bucket.ts).
  FLEET_LEDGER_BUCKET: 'graceful-stop-fleet-ledgers',
  STOP_RECORDS_BUCKET: 'graceful-stop-fleet-ledgers',
  // The GracefulStopStateMachine the stop watch and the orphan guard start; locally the engine's (local/engine/runner.ts).
  GRACEFUL_STOP_STATE_MACHINE_ARN: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:graceful-stop`,
  POWERTOOLS_LOG_LEVEL: 'WARN',
  AWS_REGION: LOCAL_REGION,
  // Node 20 is supported here until the SDK drops it; the warning would drown the CLI output.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

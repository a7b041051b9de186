import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.js';

/**
 * The one metrics client (CloudWatch embedded metric format: log lines, no
 * API calls). Its namespace is POWERTOOLS_METRICS_NAMESPACE (template
 * parameter MetricsNamespace); every metric carries the `service` dimension,
 * and only GracefulStops adds one more, `outcome`, so dimensions stay few.
 * The alarms and the dashboard in template.yaml read these names; a template
 * test keeps the two in step.
 */
export const METRIC = {
  /** One per graceful stop, by `outcome` (a success outcome or the named failure). */
  gracefulStops: 'GracefulStops',
  /** Seconds from the stop request to the end of the drain. */
  drainSeconds: 'DrainSeconds',
  /** Status polls of one graceful stop. */
  polls: 'Polls',
  /** Callback steps force-released by one graceful stop. */
  callbackStepsReleased: 'CallbackStepsReleased',
  /** Per Check of a drain still in progress: its age, so a stuck drain shows while it is stuck. */
  oldestDrainSeconds: 'OldestDrainSeconds',
  /** SageMaker calls answered with ThrottlingException (each is retried). */
  sageMakerThrottles: 'SageMakerThrottles',
  /** Stop-all: runs found (Executing or Stopping), signalled by it, taken in (already Stopping), dry-run candidates. */
  stopAllExecutionsFound: 'StopAllExecutionsFound',
  stopAllExecutionsSignalled: 'StopAllExecutionsSignalled',
  stopAllExecutionsTakenIn: 'StopAllExecutionsTakenIn',
  stopAllDryRunCandidates: 'StopAllDryRunCandidates',
  /** Stop-all: runs it signalled that ended well; runs that did not (a named failure), those still draining at the deadline. */
  stopAllExecutionsStopped: 'StopAllExecutionsStopped',
  stopAllExecutionsFailed: 'StopAllExecutionsFailed',
  stopAllExecutionsTimedOut: 'StopAllExecutionsTimedOut',
  /** Stop-all: seconds from the listing to the last signal and to the last end noticed; the slowest drain. */
  stopAllSecondsToLastSignal: 'StopAllSecondsToLastSignal',
  stopAllSecondsToLastEnd: 'StopAllSecondsToLastEnd',
  stopAllSlowestDrainSeconds: 'StopAllSlowestDrainSeconds',
  /** Organization stop: its targets, and those that did not complete (not deployed, denied, failed, timed out). */
  organizationStopTargets: 'OrganizationStopTargets',
  organizationStopTargetsNotCompleted: 'OrganizationStopTargetsNotCompleted',
  /** Stop-all, per cycle: runs still draining (the dashboard's live view of a fleet stop). */
  stopAllExecutionsDraining: 'StopAllExecutionsDraining',
  /** A stop could not write its stop record (the stop went on; the stop watch may drain the run too). */
  stopRecordNotWritten: 'StopRecordNotWritten',
  /** Waits ended by a run's terminal event (the stop woke before its next poll). */
  waitsEndedByEvent: 'WaitsEndedByEvent',
  /** Stop watch: graceful stops started for runs stopped outside this stack. */
  stopWatchStarts: 'StopWatchStarts',
  /** Orphan guard: graceful stops started for runs whose parent workflow ended without them. */
  orphanGuardStops: 'OrphanGuardStops',
  pipelineLimitStops: 'PipelineLimitStops',
  /** After a run ended: what may still run behind it (jobs still InProgress, timed-out Lambda functions, released callback work). */
  leftovers: 'Leftovers',
} as const;
export const OUTCOME_DIMENSION = 'outcome';
/** Outcomes that are not one of the contract's (an unexpected error) share one dimension value. */
export const OTHER_OUTCOME = 'GracefulStopErrored';

export const metrics = new Metrics({
  serviceName: 'sagemaker-pipelines-graceful-stop',
  // "No metrics this invocation" is normal for most steps: at DEBUG, not as a warning.
  logger: {
    debug: (...args: unknown[]) => logger.debug(String(args[0] ?? '')),
    info: (...args: unknown[]) => logger.debug(String(args[0] ?? '')),
    warn: (...args: unknown[]) => logger.debug(String(args[0] ?? '')),
    error: (...args: unknown[]) => logger.error(String(args[0] ?? '')),
  },
});

export { MetricUnit };

/** One graceful stop ended: its outcome count (its own EMF document, with the outcome dimension). */
export function recordOutcome(outcome: string, known: readonly string[]): void {
  const single = metrics.singleMetric();
  single.addDimension(OUTCOME_DIMENSION, known.includes(outcome) ? outcome : OTHER_OUTCOME);
  single.addMetric(METRIC.gracefulStops, MetricUnit.Count, 1);
}

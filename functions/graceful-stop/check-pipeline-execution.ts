import { createSageMakerClient } from '#commons/clients.js';
import { checkPipelineExecution } from './check-pipeline-execution.logic.js';
import { systemClock } from '#commons/clock.js';
import { requireIntegerEnv } from '#commons/config.js';
import { SETTING_BOUNDS } from '#commons/settings.js';
import { logger } from '#commons/logger.js';
import { TERMINAL_STATUSES, stopInEffect, type CheckedState, type StoppedState } from './model.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { lambdaHandler } from '#commons/handler.js';
import { createStopRecords } from '#stop-records/stop-records.js';

const sagemaker = createSageMakerClient();
const stopRecords = createStopRecords();
const runEnded = (pipelineExecutionArn: string): Promise<boolean> => stopRecords.hasEnded(pipelineExecutionArn);
const config = {
  pollCapSeconds: requireIntegerEnv('POLL_CAP_SECONDS', SETTING_BOUNDS.POLL_CAP_SECONDS),
  watchSeconds: requireIntegerEnv('WATCH_SECONDS', SETTING_BOUNDS.WATCH_SECONDS),
  pollMinSeconds: requireIntegerEnv('POLL_MIN_SECONDS', SETTING_BOUNDS.POLL_MIN_SECONDS),
};

export const handler = lambdaHandler(async (event: StoppedState): Promise<CheckedState> => {
  logger.appendKeys({ executionId: event.executionId, pipelineExecutionArn: event.request.pipelineExecutionArn });
  const state = await checkPipelineExecution(event, { sagemaker, clock: systemClock, config, runEnded });
  const { status, draining, nextWaitSeconds, deadlinePassed, releaseDue, polls } = state.check;
  logger.info('Pipeline execution checked', {
    status,
    draining: draining.map((step) => ({ name: step.name, type: step.type, status: step.status })),
    nextWaitSeconds,
    deadlinePassed,
    releaseDue,
    polls,
  });
  // A drain still in progress reports its age at every check: a stuck drain is visible while it is stuck.
  if (!TERMINAL_STATUSES.includes(status) && stopInEffect(state.stop)) {
    metrics.addMetric(METRIC.oldestDrainSeconds, MetricUnit.Seconds, state.check.waitedSeconds);
  }
  return state;
});

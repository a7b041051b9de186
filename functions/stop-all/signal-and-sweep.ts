import { createSageMakerClient } from '#commons/clients.js';
import { systemClock } from '#commons/clock.js';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { METRIC, MetricUnit, metrics } from '#commons/metrics.js';
import { createLedgerStore } from './fleet-config.js';
import { createStopRecords } from '#stop-records/stop-records.js';
import type { ListedState } from './model.js';
import { signalAndSweep } from './signal-and-sweep.logic.js';

const sagemaker = createSageMakerClient();
const ledgers = createLedgerStore();
const stopRecords = createStopRecords();

export const handler = lambdaHandler(async (event: ListedState): Promise<ListedState> => {
  logger.appendKeys({ executionId: event.executionId });
  const state = await signalAndSweep(event, { sagemaker, ledgers, clock: systemClock, stopRecords });
  const { progress } = state;
  logger.info('Fleet cycle', {
    cycle: progress.cycles,
    signalled: progress.signalled,
    toSignal: progress.toSignal,
    draining: progress.draining,
    ended: progress.ended,
    timedOut: progress.timedOut,
    errored: progress.errored,
    released: progress.released,
    done: progress.done,
  });
  metrics.addMetric(METRIC.stopAllExecutionsDraining, MetricUnit.Count, progress.draining);
  return state;
});

/**
 * One spoke of a local organization, in a thread of its own: a whole local cloud (its own SageMaker
 * simulator with its own quota, Step Functions with the spoke's stop-all, template.yaml's rules),
 * as one stack is one account and region. Its parent set LOCAL_ACCOUNT_ID and LOCAL_REGION in its
 * environment, so every ARN and event here is that account's and region's; the rule forwarding Stop
 * All Completed to the hub's bus hands the event to the parent, which puts it on the hub's bus.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startLocalCloud } from '#local/cloud.js';
import { routeFunctionOutput } from '#local/engine/function-output.js';
import { SPOKE_STOP_ALL_NAME } from '#stop-all/organization/spoke-access.js';
import { startSeedRuns, type SeedRunName } from '#local/seed-runs.js';
import type { SpokeReply, SpokeRequest, SpokeThreadData } from './spoke-messages.js';

const port = parentPort;
if (!port) throw new Error('The spoke thread runs as a worker thread of a local organization.');
const data = workerData as SpokeThreadData;
const reply = (message: SpokeReply): void => port.postMessage(message);
// The functions' log lines and metrics go to the organization's process, which shows them as its own.
routeFunctionOutput({
  onLog: (text) => reply({ kind: 'output', text }),
  onMetrics: (document) => reply({ kind: 'output', text: JSON.stringify(document) }),
});

try {
  const cloud = await startLocalCloud({
    timeScale: data.timeScale,
    pipelineLimits: true,
    ...(data.executionLimit === undefined ? {} : { concurrentExecutionLimit: data.executionLimit }),
    ...(data.functionsDir === undefined ? {} : { functionsDir: data.functionsDir }),
    ...(data.loseStopAllEvents ? { loses: (event) => event['detail-type'] === 'Stop All Completed' } : {}),
    spoke: {
      stopAllName: SPOKE_STOP_ALL_NAME,
      forwardToHub: async (event) => {
        reply({ kind: 'event', event });
        return event.id;
      },
    },
  });
  const runs: string[] = [];
  for (const [name, count] of Object.entries(data.seed ?? {}) as Array<[SeedRunName, number]>) {
    if (count > 0) runs.push(...(await startSeedRuns(cloud.emulators.endpoints, name, count)));
  }
  port.on('message', (message: SpokeRequest) => {
    if (message.kind === 'close') void cloud.close().finally(() => reply({ kind: 'closed' }));
  });
  reply({
    kind: 'ready',
    stepFunctionsEndpoint: cloud.api.endpoint,
    sagemakerEndpoint: cloud.emulators.endpoints.sagemakerEndpoint,
    stopAllArn: cloud.stopAll.arn,
    runs,
  });
} catch (error) {
  reply({ kind: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
}

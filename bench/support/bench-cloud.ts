import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { LocalStateMachine } from '#local/engine/runner.js';
import { startLocalCloud, type LocalCloud } from '#local/cloud.js';
import type { Emulators } from '#local/emulators.js';
import { loadHandlerInstances } from './handler-instances.js';
import { timedHandlers, type Invocation } from '#bench/drains/timed-handlers.js';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { BENCH_EXECUTION_LIMIT } from './run-counts.js';

/** The local cloud as a bench child uses it: its graceful-stop machine, timed, and a client of the bench's own. */
export interface BenchCloud {
  cloud: LocalCloud;
  emulators: Emulators;
  machine: LocalStateMachine;
  /** A client of the bench's own (set-up and verification) calls. */
  sagemaker: SageMakerClient;
  invocations: Invocation[];
  close(): Promise<void>;
}

/**
 * The handlers read their configuration (poll policy, GRACEFUL_STOP_TIME_SCALE)
 * at import, from the environment the parent gave this process; the local cloud
 * sets the endpoints before they load. `handlerInstances` > 1 loads that many
 * independent copies (one SDK client each, like separate Lambda containers).
 * Events are dropped (`events: false`): the bench measures what polling alone does.
 */
export async function startBenchCloud(options: {
  timeScale: number;
  functionsDir: string;
  handlerInstances?: number;
}): Promise<BenchCloud> {
  const invocations: Invocation[] = [];
  const instances = options.handlerInstances ?? 1;
  const cloud = await startLocalCloud({
    timeScale: options.timeScale,
    concurrentExecutionLimit: BENCH_EXECUTION_LIMIT,
    functionsDir: options.functionsDir,
    events: false,
    ...(instances > 1 ? { loadGracefulStopHandlers: () => loadHandlerInstances(options.functionsDir, instances) } : {}),
    wrapHandlers: (handlers) => timedHandlers(handlers, (call) => invocations.push(call)),
  });
  const sagemaker = new SageMakerClient({
    ...BOUNDED_CLIENT_OPTIONS,
    endpoint: cloud.emulators.endpoints.sagemakerEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    cloud,
    emulators: cloud.emulators,
    machine: cloud.gracefulStop,
    sagemaker,
    invocations,
    async close() {
      sagemaker.destroy();
      await cloud.close();
    },
  };
}

/** Differences of two call counters (after − before), keeping non-zero entries. */
export function counterDelta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const difference = value - (before[key] ?? 0);
    if (difference !== 0) delta[key] = difference;
  }
  return delta;
}

import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { createGracefulStopMachine } from '#local/engine/graceful-stop.js';
import { loadBuiltHandlers } from '#local/engine/load-handlers.js';
import type { LocalStateMachine } from '#local/engine/runner.js';
import { startLocalStack, useLocalEndpoints, type LocalStack } from '#local/stack.js';
import { loadHandlerInstances } from './handler-instances.js';
import { timedHandlers, type Invocation } from '#bench/drains/timed-handlers.js';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { BENCH_EXECUTION_LIMIT } from './run-counts.js';

/** Simulator + SQS emulator + the graceful-stop machine with the built handlers, in this process. */
export interface LocalBed {
  stack: LocalStack;
  machine: LocalStateMachine;
  /** A client of the bench's own (set-up and verification) calls. */
  sagemaker: SageMakerClient;
  invocations: Invocation[];
  close(): Promise<void>;
}

/**
 * The handlers read their configuration (poll policy, GRACEFUL_STOP_TIME_SCALE)
 * at import, from the environment the parent gave this process; the endpoints
 * are set here, before they load. `handlerInstances` > 1 loads that many
 * independent copies (one SDK client each, like separate Lambda containers).
 */
export async function startLocalBed(options: { timeScale: number; functionsDir: string; handlerInstances?: number }): Promise<LocalBed> {
  const stack = await startLocalStack({ timeScale: options.timeScale, concurrentExecutionLimit: BENCH_EXECUTION_LIMIT });
  useLocalEndpoints(stack.endpoints);
  const invocations: Invocation[] = [];
  const instances = options.handlerInstances ?? 1;
  const loaded =
    instances > 1 ? await loadHandlerInstances(options.functionsDir, instances) : await loadBuiltHandlers(options.functionsDir);
  const handlers = timedHandlers(loaded, (call) => invocations.push(call));
  const sagemaker = new SageMakerClient({
    ...BOUNDED_CLIENT_OPTIONS,
    endpoint: stack.endpoints.sagemakerEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    stack,
    machine: createGracefulStopMachine(handlers),
    sagemaker,
    invocations,
    async close() {
      sagemaker.destroy();
      await stack.close();
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

import type { AddressInfo } from 'node:net';
import { createSqsCallbackSender } from './callback-queue.js';
import { SimulationClock } from './clock.js';
import { FaultController } from './faults.js';
import { OPERATION_NAMES } from '#local/simulator/operations/index.js';
import { PipelineEngine } from './pipeline-engine.js';
import type { ServerResponse } from 'node:http';
import { createSimulatorServer } from './server.js';
import { SimulatorStats, type CallListener, type SimulatorStatsSnapshot } from './stats.js';
import { SimulatorEvents, type EventListener } from './events.js';
import { SimulatorStore } from './store.js';

export interface SageMakerSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: the simulator is never exposed to the network by accident. */
  host?: string;
  /** K > 1 makes simulated durations pass K times faster (timestamps stay wall-clock). Default 1. */
  timeScale?: number;
  /** Where callback messages are sent (e.g. the local SQS emulator). Absent: the SQS SDK's own resolution. */
  sqsEndpoint?: string;
  region?: string;
  accountId?: string;
  /**
   * SageMaker's account quota of pipeline executions running at once (Executing or Stopping):
   * StartPipelineExecution above it answers ResourceLimitExceeded. Default 20, as on AWS (adjustable there too).
   */
  concurrentExecutionLimit?: number;
  /**
   * Simulated seconds from a step's end to the start of the steps it let go. While no step runs in
   * that gap, StopPipelineExecution answers ConflictException, as SageMaker does between steps.
   * Default 1; 0 starts the next steps at once (no gap, no such conflict).
   */
  stepTransitionSeconds?: number;
}

export const DEFAULT_STEP_TRANSITION_SECONDS = 1;
const MAX_STEP_TRANSITION_SECONDS = 600;
/** SageMaker's default quota of concurrent pipeline executions per account. */
export const DEFAULT_CONCURRENT_EXECUTION_LIMIT = 20;
const MAX_CONCURRENT_EXECUTION_LIMIT = 100_000;

export interface SageMakerSimulator {
  /** e.g. http://127.0.0.1:41234: give it to any AWS client as the SageMaker endpoint. */
  endpoint: string;
  faults: FaultController;
  stats(): SimulatorStatsSnapshot;
  /** Tells `listener` of every call received from now on (the bench's per-second peaks); returns what stops it. */
  observeCalls(listener: CallListener): () => void;
  /** Tells `listener` of every EventBridge event SageMaker would publish from now on (status changes of runs and steps); returns what stops it. */
  observeEvents(listener: EventListener): () => void;
  /** Stops the server, drops connections and cancels every timer. */
  close(): Promise<void>;
}

export async function startSageMakerSimulator(options: SageMakerSimulatorOptions = {}): Promise<SageMakerSimulator> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer in 0..65535, got ${port}`);
  const concurrentExecutions = options.concurrentExecutionLimit ?? DEFAULT_CONCURRENT_EXECUTION_LIMIT;
  if (!Number.isInteger(concurrentExecutions) || concurrentExecutions < 1 || concurrentExecutions > MAX_CONCURRENT_EXECUTION_LIMIT) {
    throw new RangeError(
      `concurrentExecutionLimit must be an integer in 1..${MAX_CONCURRENT_EXECUTION_LIMIT}, got ${concurrentExecutions}`,
    );
  }
  const stepTransitionSeconds = options.stepTransitionSeconds ?? DEFAULT_STEP_TRANSITION_SECONDS;
  if (!Number.isFinite(stepTransitionSeconds) || stepTransitionSeconds < 0 || stepTransitionSeconds > MAX_STEP_TRANSITION_SECONDS) {
    throw new RangeError(
      `stepTransitionSeconds must be a number of seconds in 0..${MAX_STEP_TRANSITION_SECONDS}, got ${stepTransitionSeconds}`,
    );
  }
  const region = options.region ?? 'us-east-1';
  const scope = { region, accountId: options.accountId ?? '123456789012' };

  const clock = new SimulationClock(options.timeScale ?? 1);
  const store = new SimulatorStore();
  const stats = new SimulatorStats();
  const faults = new FaultController(OPERATION_NAMES);
  const sender = createSqsCallbackSender({ region, ...(options.sqsEndpoint ? { endpoint: options.sqsEndpoint } : {}) });
  const events = new SimulatorEvents();
  const engine = new PipelineEngine({ clock, store, sender, scope, stats, events, stepTransitionSeconds });
  const snapshot = (): SimulatorStatsSnapshot =>
    stats.snapshot({ pipelines: store.pipelineCount(), executionStatuses: store.allExecutions().map((e) => e.status) });

  const hanging = new Set<ServerResponse>();
  const server = createSimulatorServer({
    context: { store, engine, clock, scope, limits: { concurrentExecutions } },
    faults,
    stats,
    clock,
    admin: { faults, stats: snapshot },
    hanging,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${urlHost}:${address.port}`,
    faults,
    stats: snapshot,
    observeCalls: (listener) => stats.observeCalls(listener),
    observeEvents: (listener) => events.observe(listener),
    close() {
      closing ??= new Promise<void>((resolve) => {
        engine.dispose();
        clock.dispose();
        sender.close();
        for (const response of hanging) response.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

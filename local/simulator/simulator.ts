import type { AddressInfo } from 'node:net';
import { createSqsCallbackSender } from './callback-queue.js';
import { SimulationClock } from './clock.js';
import { FaultController } from './faults.js';
import { OPERATION_NAMES } from './operations/index.js';
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
}

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
  const region = options.region ?? 'us-east-1';
  const scope = { region, accountId: options.accountId ?? '123456789012' };

  const clock = new SimulationClock(options.timeScale ?? 1);
  const store = new SimulatorStore();
  const stats = new SimulatorStats();
  const faults = new FaultController(OPERATION_NAMES);
  const sender = createSqsCallbackSender({ region, ...(options.sqsEndpoint ? { endpoint: options.sqsEndpoint } : {}) });
  const events = new SimulatorEvents();
  const engine = new PipelineEngine({ clock, store, sender, scope, stats, events });
  const snapshot = (): SimulatorStatsSnapshot =>
    stats.snapshot({ pipelines: store.pipelineCount(), executionStatuses: store.allExecutions().map((e) => e.status) });

  const hanging = new Set<ServerResponse>();
  const server = createSimulatorServer({
    context: { store, engine, clock, scope },
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

/** Counters exposed by `simulator.stats()` and `GET /_simulator/stats`. */
export interface SimulatorStatsSnapshot {
  /** Every SageMaker call received, by operation (faulted calls included). */
  callsByOperation: Record<string, number>;
  /** Error answers by `__type` (injected faults included). */
  errorsByCode: Record<string, number>;
  /** Injected faults by kind: throttle, serverError, connectionReset, latency, conflict, accessDenied. */
  faultsInjected: Record<string, number>;
  callbackMessages: { sent: number; failed: number };
  pipelines: number;
  executionsByStatus: Record<string, number>;
}

const increment = (counters: Record<string, number>, key: string): void => {
  counters[key] = (counters[key] ?? 0) + 1;
};

/** Told of every SageMaker call received: its operation and when (epoch ms). */
export type CallListener = (operation: string, atMs: number) => void;

export class SimulatorStats {
  private readonly calls: Record<string, number> = {};
  private readonly listeners = new Set<CallListener>();
  private readonly errors: Record<string, number> = {};
  private readonly faults: Record<string, number> = {};
  private readonly messages = { sent: 0, failed: 0 };

  countCall(operation: string): void {
    increment(this.calls, operation);
    if (this.listeners.size === 0) return;
    const now = Date.now();
    for (const listener of this.listeners) listener(operation, now);
  }

  /** Calls `listener` for every call from now on; returns what stops it. */
  observeCalls(listener: CallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  countError(code: string): void {
    increment(this.errors, code);
  }

  countFault(kind: string): void {
    increment(this.faults, kind);
  }

  countCallbackMessage(delivered: boolean): void {
    if (delivered) this.messages.sent += 1;
    else this.messages.failed += 1;
  }

  snapshot(state: { pipelines: number; executionStatuses: string[] }): SimulatorStatsSnapshot {
    const executionsByStatus: Record<string, number> = {};
    for (const status of state.executionStatuses) increment(executionsByStatus, status);
    return {
      callsByOperation: { ...this.calls },
      errorsByCode: { ...this.errors },
      faultsInjected: { ...this.faults },
      callbackMessages: { ...this.messages },
      pipelines: state.pipelines,
      executionsByStatus,
    };
  }
}

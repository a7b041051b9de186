import { createGracefulStopMachine } from '../engine/graceful-stop.js';
import { loadBuiltHandlers } from '../engine/load-handlers.js';
import type { RunResult } from '../engine/runner.js';
import { ProgressView, type ProgressSink } from './progress.js';

export interface LocalRunOptions {
  progress?: ProgressSink;
  timeScale?: number;
  executionName?: string;
}

/** Runs the graceful-stop state machine on the embedded engine with the built handler bundles. */
export async function runGracefulStopLocally(input: Record<string, unknown>, options: LocalRunOptions = {}): Promise<RunResult> {
  const machine = createGracefulStopMachine(await loadBuiltHandlers());
  const view = new ProgressView(options.progress ?? { write: () => true }, options.progress !== undefined);
  return machine.run(input, {
    ...(options.timeScale ? { timeScale: options.timeScale } : {}),
    ...(options.executionName ? { executionName: options.executionName } : {}),
    onEvent: (event) => {
      if (event.type === 'StateExited' && event.state) view.onStateExited(event.state.name, event.state.output);
    },
  });
}

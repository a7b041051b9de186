import { createGracefulStopMachine } from '../local/engine/graceful-stop.js';
import { loadBuiltHandlers } from '../local/engine/load-handlers.js';
import type { LocalStateMachine, RunResult } from '../local/engine/runner.js';
import { ProgressView, type ProgressSink } from './progress.js';

export interface LocalRunOptions {
  progress?: ProgressSink;
  /** Every state's output as it exits (the Ctrl-C notice follows the run with it). */
  onStateExited?: (stateName: string, output: unknown) => void;
  timeScale?: number;
  executionName?: string;
}

/** Loads the built handler bundles and validates the ASL once: do it before the clock matters. */
export async function prepareGracefulStopMachine(): Promise<LocalStateMachine> {
  return createGracefulStopMachine(await loadBuiltHandlers());
}

/** Runs the graceful-stop state machine on the embedded engine with the built handler bundles. */
export async function runGracefulStopLocally(
  input: Record<string, unknown>,
  options: LocalRunOptions = {},
  machine?: LocalStateMachine,
): Promise<RunResult> {
  machine ??= await prepareGracefulStopMachine();
  const view = new ProgressView(options.progress ?? { write: () => true }, options.progress !== undefined);
  const redraw = (): void => view.onResize();
  if (options.progress?.isTTY) process.stderr.on('resize', redraw);
  try {
    return await machine.run(input, {
      ...(options.timeScale ? { timeScale: options.timeScale } : {}),
      ...(options.executionName ? { executionName: options.executionName } : {}),
      onEvent: (event) => {
        if (event.type === 'StateEntered' && event.state?.type === 'Task') view.onTaskEntered(event.state.name);
        if (event.type === 'StateExited' && event.state) {
          view.onStateExited(event.state.name, event.state.output);
          options.onStateExited?.(event.state.name, event.state.output);
        }
      },
    });
  } finally {
    view.close();
    process.stderr.off('resize', redraw);
  }
}

import type { RunResult } from '#local/engine/runner.js';
import { createStopAllMachine, loadBuiltStopAllHandlers } from '#local/engine/stop-all.js';
import type { ProgressSink } from './live-block.js';
import { prepareGracefulStopMachine } from './stop-local.js';
import { StopAllProgress } from './stop-all-view.js';

export interface LocalStopAllOptions {
  progress?: ProgressSink;
  timeScale?: number;
}

/**
 * Runs the stop-all state machine on the embedded engine with the built
 * bundles; each child graceful stop runs in-process (nested-execution.ts).
 */
export async function runStopAllLocally(input: Record<string, unknown>, options: LocalStopAllOptions = {}): Promise<RunResult> {
  const runOptions = options.timeScale ? { timeScale: options.timeScale } : {};
  const gracefulStop = await prepareGracefulStopMachine();
  const machine = createStopAllMachine(await loadBuiltStopAllHandlers(), gracefulStop, { runOptions });
  const view = new StopAllProgress(options.progress ?? { write: () => true }, options.progress !== undefined);
  const redraw = (): void => view.onResize();
  if (options.progress?.isTTY) process.stderr.on('resize', redraw);
  try {
    return await machine.run(input, {
      ...runOptions,
      onEvent: (event) => {
        if (event.type === 'StateEntered' && event.state) view.onStateEntered(event.state.name, event.state.input);
        if (event.type === 'StateExited' && event.state) view.onStateExited(event.state.name, event.state.output);
      },
    });
  } finally {
    process.stderr.off('resize', redraw);
  }
}

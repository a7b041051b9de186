import type { RunResult } from '#local/engine/runner.js';
import { useLocalLedgers } from '#local/ledger-bucket.js';
import { createStopAllMachine, loadBuiltStopAllHandlers } from '#local/engine/stop-all.js';
import type { ProgressSink } from './live-block.js';
import { StopAllProgress } from './stop-all-view.js';

export interface LocalStopAllOptions {
  progress?: ProgressSink;
  timeScale?: number;
}

/**
 * Runs the stop-all state machine on the embedded engine with the built bundles, its fleet
 * ledger in the local S3 (the one `simulate` exports, or an emulator of this process's own).
 */
export async function runStopAllLocally(input: Record<string, unknown>, options: LocalStopAllOptions = {}): Promise<RunResult> {
  const runOptions = options.timeScale ? { timeScale: options.timeScale } : {};
  const closeLedgers = await useLocalLedgers();
  const view = new StopAllProgress(options.progress ?? { write: () => true }, options.progress !== undefined);
  const redraw = (): void => view.onResize();
  if (options.progress?.isTTY) process.stderr.on('resize', redraw);
  try {
    const machine = createStopAllMachine(await loadBuiltStopAllHandlers());
    return await machine.run(input, {
      ...runOptions,
      onEvent: (event) => {
        if (event.type === 'StateExited' && event.state) view.onStateExited(event.state.name, event.state.output);
      },
    });
  } finally {
    process.stderr.off('resize', redraw);
    await closeLedgers();
  }
}

import { createGracefulStopMachine } from '#local/engine/graceful-stop.js';
import { loadBuiltHandlers } from '#local/engine/load-handlers.js';
import type { LocalStateMachine, RunResult } from '#local/engine/runner.js';
import { useLocalLedgers } from '#local/ledger-bucket.js';
import { type ProgressSink } from './live-block.js';
import { ProgressView, type ExecutionLook } from './stop-view.js';

export interface LocalRunOptions {
  progress?: ProgressSink;
  /** Every state's output as it exits (the Ctrl-C notice follows the run with it). */
  onStateExited?: (stateName: string, output: unknown) => void;
  timeScale?: number;
  executionName?: string;
  /** The CLI's own look at the run while it drains (progress shows it between checks). */
  look?: () => Promise<ExecutionLook>;
  onLook?: (look: ExecutionLook) => void;
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
  const view = new ProgressView(options.progress ?? { write: () => true }, options.progress !== undefined, {
    ...(options.look ? { look: options.look } : {}),
    ...(options.onLook ? { onLook: options.onLook } : {}),
  });
  const redraw = (): void => view.onResize();
  // Stop records and wait tokens: in the local S3 that `simulate` exports, or an emulator of this process's own.
  const closeBucket = await useLocalLedgers();
  if (options.progress?.isTTY) process.stderr.on('resize', redraw);
  try {
    return await machine.run(input, {
      ...(options.timeScale ? { timeScale: options.timeScale } : {}),
      ...(options.executionName ? { executionName: options.executionName } : {}),
      onEvent: (event) => {
        if (event.type === 'StateEntered' && event.state) view.onStateEntered(event.state.name, event.state.type ?? '');
        if (event.type === 'StateExited' && event.state) {
          view.onStateExited(event.state.name, event.state.output);
          options.onStateExited?.(event.state.name, event.state.output);
        }
      },
    });
  } finally {
    view.close();
    process.stderr.off('resize', redraw);
    await closeBucket();
  }
}

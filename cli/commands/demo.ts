/** `graceful-stop demo`: a graceful stop of a demo pipeline on a private local simulator, end to end. */
import type { Command } from '#cli/args.js';
import { io, onInterrupt } from '#cli/io.js';

export type DemoCommandOptions = Extract<Command, { name: 'demo' }>;

/**
 * Exits as `stop` would for the outcome the scenario ends on (0 for a success outcome, 1 for a named
 * failure such as lambda-timeout's PipelineExecutionFailed); a scenario that ends otherwise than it
 * expects says so and exits 1 too.
 */
export async function demo(options: DemoCommandOptions): Promise<number> {
  const [{ routeFunctionOutput }, { metricsReport }, { runDemo }, { EXIT }, { exitCodeOf }] = await Promise.all([
    import('#local/engine/function-output.js'),
    import('#cli/metrics-view.js'),
    import('#cli/demo/demo.js'),
    import('#cli/outcome.js'),
    import('#cli/stop-view.js'),
  ]);
  const metrics: Parameters<typeof metricsReport>[0] = [];
  routeFunctionOutput({ onMetrics: (document) => metrics.push(document) });
  onInterrupt(() => 'interrupted: the demo ran on a private simulator in this process; nothing is left behind.');
  const result = await runDemo({
    ...(options.scenario !== undefined ? { scenario: options.scenario } : {}),
    json: options.json,
    out: options.quiet ? () => undefined : (line) => io.err(`${line}\n`),
    result: (text) => io.out(`${text}\n`),
  });
  if (options.metrics && !options.quiet) io.err(metricsReport(metrics));
  return result.asExpected ? exitCodeOf(result.outcome) : EXIT.namedFailure;
}

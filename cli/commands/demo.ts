/** `graceful-stop demo`: a graceful stop of a demo pipeline on a private local simulator, end to end. */
import type { Command } from '#cli/args.js';
import { functionLogs, io, onInterrupt } from '#cli/io.js';

export type DemoCommandOptions = Extract<Command, { name: 'demo' }>;

/**
 * Exits 0 when the scenario ends as it expects - lambda-timeout's PipelineExecutionFailed included:
 * the demo shows that failure on purpose - and 1 when it ends otherwise (it says so).
 */
export async function demo(options: DemoCommandOptions): Promise<number> {
  const [{ routeFunctionOutput }, { metricsReport }, { runDemo }, { EXIT }] = await Promise.all([
    import('#local/engine/function-output.js'),
    import('#cli/metrics-view.js'),
    import('#cli/demo/demo.js'),
    import('#cli/outcome.js'),
  ]);
  const metrics: Parameters<typeof metricsReport>[0] = [];
  routeFunctionOutput({ onLog: functionLogs(options), onMetrics: (document) => metrics.push(document) });
  const notice = 'interrupted: the demo ran on a private simulator in this process; nothing is left behind.';
  onInterrupt(() => notice, options);
  const result = await runDemo({
    ...(options.scenario !== undefined ? { scenario: options.scenario } : {}),
    json: options.json,
    out: options.quiet ? () => undefined : (line) => io.err(`${line}\n`),
    result: (text) => io.out(`${text}\n`),
  });
  if (options.metrics && !options.quiet) io.err(metricsReport(metrics));
  return result.asExpected ? EXIT.success : EXIT.namedFailure;
}

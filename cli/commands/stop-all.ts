/** `graceful-stop stop-all`: every running execution of some pipelines, locally or on AWS. */
import type { Command } from '#cli/args.js';
import { functionLogs, io, onInterrupt, progressFor } from '#cli/io.js';
import { readTimeScale } from '#commons/clock.js';

export type StopAllOptions = Extract<Command, { name: 'stop-all' }>;

export async function stopAll(options: StopAllOptions): Promise<number> {
  if (options.stateMachineArn || options.stackName) {
    const { runAwsCommand } = await import('#cli/aws/run.js');
    return runAwsCommand(options, { ...io, ...(options.quiet ? { err: () => undefined } : {}) }, undefined, undefined, onInterrupt);
  }
  const [{ routeFunctionOutput }, { metricsReport }, { jsonResult }, { runStopAllLocally }, { humanStopAllResult, stopAllExitCode }] =
    await Promise.all([
      import('#local/engine/function-output.js'),
      import('#cli/metrics-view.js'),
      import('#cli/outcome.js'),
      import('#cli/stop-all-local.js'),
      import('#cli/stop-all-view.js'),
    ]);
  const metrics: Parameters<typeof metricsReport>[0] = [];
  routeFunctionOutput({ onLog: functionLogs(options), onMetrics: (document) => metrics.push(document) });
  const notice =
    'interrupted: the runs already signalled keep stopping on SageMaker; run the same stop-all again: it signals the rest and takes in the runs still Stopping.';
  onInterrupt(() => notice, options);
  const result = await runStopAllLocally(options.input, { ...progressFor(options), timeScale: readTimeScale() });
  io.out(`${options.json ? jsonResult(result) : humanStopAllResult(result)}\n`);
  if (options.metrics && !options.quiet) io.err(metricsReport(metrics));
  return stopAllExitCode(result);
}

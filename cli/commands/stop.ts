/** `graceful-stop stop <arn>`: locally on the embedded engine, or on AWS with --state-machine-arn / --stack-name. */
import type { Command } from '#cli/args.js';
import { functionLogs, io, onInterrupt, progressFor } from '#cli/io.js';
import { readTimeScale } from '#commons/clock.js';

export type StopOptions = Extract<Command, { name: 'stop' }>;

export async function stop(options: StopOptions): Promise<number> {
  if (options.stateMachineArn || options.stackName) {
    const { runAwsCommand } = await import('#cli/aws/run.js');
    return runAwsCommand(options, { ...io, ...(options.quiet ? { err: () => undefined } : {}) }, undefined, undefined, onInterrupt);
  }
  const [
    { parsePipelineExecutionArn },
    { routeFunctionOutput },
    { interruptNotice, invokedAs, resumeCommand, RunTracker },
    { executionLook },
    { metricsReport },
    { jsonResult },
    { exitCodeOf, humanResult },
    { runGracefulStopLocally },
  ] = await Promise.all([
    import('#pipeline-runs/execution-arn.js'),
    import('#local/engine/function-output.js'),
    import('#cli/interrupt.js'),
    import('#cli/look.js'),
    import('#cli/metrics-view.js'),
    import('#cli/outcome.js'),
    import('#cli/stop-view.js'),
    import('#cli/stop-local.js'),
  ]);
  const arn = String(options.input.pipelineExecutionArn);
  // The run lives in the ARN's region (and so its partition): the handlers' clients, created when
  // the bundles load, and the CLI's own look go there, whatever the profile's region is.
  process.env.AWS_REGION = parsePipelineExecutionArn(arn).region;
  const metrics: Parameters<typeof metricsReport>[0] = [];
  // The handlers run in this process: their logs go to stderr, their metrics to --metrics.
  routeFunctionOutput({ onLog: functionLogs(options), onMetrics: (document) => metrics.push(document) });
  const tracker = new RunTracker(options.input);
  const notice = (): string => interruptNotice(tracker, Date.now(), options);
  onInterrupt(notice, {
    json: options.json,
    facts: () => ({
      pipelineExecutionArn: arn,
      stopSent: tracker.stopSent,
      ...(tracker.lastStatus ? { lastStatus: tracker.lastStatus } : {}),
      resumeCommand: resumeCommand(tracker.input, invokedAs(), options),
    }),
  });
  const look = executionLook(arn);
  try {
    const result = await runGracefulStopLocally(options.input, {
      ...progressFor(options),
      // simulate's exports carry its clock (GRACEFUL_STOP_TIME_SCALE): the engine's waits run on it, as the functions' do.
      timeScale: readTimeScale(),
      onStateExited: (name, output) => tracker.onStateExited(name, output),
      look: look.look,
      onLook: (seen) => tracker.onLook(seen),
    });
    io.out(`${options.json ? jsonResult(result) : humanResult(result)}\n`);
    if (options.metrics && !options.quiet) io.err(metricsReport(metrics));
    return exitCodeOf(result);
  } finally {
    look.close();
  }
}

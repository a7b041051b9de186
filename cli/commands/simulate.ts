/**
 * `graceful-stop simulate`: the local cloud on 127.0.0.1 until Ctrl-C - the SageMaker simulator, the
 * SQS/S3 emulator, Step Functions (the graceful-stop and stop-all state machines on the embedded
 * engine) and EventBridge (template.yaml's own rules): a stop made with the AWS CLI or boto3 is
 * drained by the stop watch, a run's end wakes the stops waiting on it.
 */
import type { Command } from '#cli/args.js';
import { UsageError } from '#cli/args.js';
import { io } from '#cli/io.js';
import type { EventBridgeEvent } from '#local/events/event.js';
import type { Delivery } from '#local/events/bus.js';

export type SimulateOptions = Extract<Command, { name: 'simulate' }>;

/** A port taken by another process names the flag that chose it. */
function portInUse(error: unknown, options: SimulateOptions): UsageError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'EADDRINUSE') return undefined;
  const port = Number((error as { port?: unknown }).port);
  const flag = port === options.sqsPort && options.sqsPort !== 0 ? '--sqs-port' : '--port';
  return new UsageError(`${flag} ${port} is in use on 127.0.0.1 by another process; expected a free port, or 0 for any.`, 'simulate', error);
}

/** One line per event a rule matched, and per completion event: what came, and where the rules sent it. */
function eventLine(event: EventBridgeEvent, deliveries: Delivery[]): string | undefined {
  if (deliveries.length === 0 && !event['detail-type'].endsWith(' Completed')) return undefined;
  const detail = event.detail;
  const what = [detail.currentPipelineExecutionStatus, detail.status, detail.outcome, detail.pipelineExecutionArn ?? detail.executionArn].filter((part) => typeof part === 'string').join(' ');
  return `event ${event['detail-type']}: ${what}${deliveries.length ? ` -> ${deliveries.map((delivery) => delivery.target).join(', ')}` : ''}`;
}

export async function simulate(options: SimulateOptions): Promise<number> {
  const [{ startLocalCloud }, { describeSeedRun, startSeedRun }, { EXIT }] = await Promise.all([
    import('#local/cloud.js'),
    import('#cli/seed-runs.js'),
    import('#cli/outcome.js'),
  ]);
  // Read by the function bundles at load: their clock runs as fast as the simulator's.
  process.env.GRACEFUL_STOP_TIME_SCALE = String(options.timeScale);
  let cloud: Awaited<ReturnType<typeof startLocalCloud>>;
  try {
    cloud = await startLocalCloud({
      port: options.port,
      sqsPort: options.sqsPort,
      timeScale: options.timeScale,
      concurrentExecutionLimit: options.executionLimit,
      ...(options.stopWatchGraceSeconds === undefined ? {} : { stopWatch: { graceSeconds: options.stopWatchGraceSeconds } }),
      ...(options.orphanGuard === undefined ? {} : { orphanGuard: { stateMachinePattern: options.orphanGuard } }),
      onEvent: (event, deliveries) => {
        const line = eventLine(event, deliveries);
        if (line) io.err(`${line}\n`);
      },
    });
  } catch (error) {
    throw portInUse(error, options) ?? error;
  }
  const arn = options.withRun !== undefined ? await startSeedRun(cloud.stack.endpoints, options.withRun) : undefined;
  // Paste-able: eval "$(graceful-stop simulate ...)" works too, and the CLI, the AWS CLI and boto3 then talk to the local cloud.
  const lines = [
    ...Object.entries(cloud.endpoints).map(([name, value]) => `export ${name}=${value}`),
    'export AWS_REGION=us-east-1',
    'export AWS_DEFAULT_REGION=us-east-1',
    'export AWS_ACCESS_KEY_ID=local',
    'export AWS_SECRET_ACCESS_KEY=local',
    `export GRACEFUL_STOP_STATE_MACHINE_ARN=${cloud.gracefulStop.arn}`,
    ...(arn ? [`export PIPELINE_EXECUTION_ARN=${arn}`] : []),
  ];
  io.out(`${lines.join('\n')}\n`);
  const { sagemakerEndpoint, sqsEndpoint } = cloud.stack.endpoints;
  const extras = [
    options.stopWatchGraceSeconds === undefined ? undefined : `stop watch on (grace ${options.stopWatchGraceSeconds} s)`,
    options.orphanGuard === undefined ? undefined : `orphan guard on state machines ${options.orphanGuard}`,
    options.executionLimit === undefined ? undefined : `at most ${options.executionLimit} pipeline executions at once`,
  ].filter(Boolean);
  io.err(
    `SageMaker simulator on ${sagemakerEndpoint}, SQS/S3 emulator on ${sqsEndpoint}, Step Functions and EventBridge on ${cloud.api.endpoint} (time scale ${options.timeScale})` +
      `${extras.length ? `\n${extras.join('; ')}` : ''}` +
      `${arn && options.withRun ? `\nstarted ${describeSeedRun(options.withRun, options.timeScale)}:\n  ${arn}` : ''}\npaste the export lines above in another terminal; Ctrl-C ends the simulator\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await cloud.close();
  return EXIT.success;
}

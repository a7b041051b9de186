/**
 * `graceful-stop simulate`: the local cloud on 127.0.0.1 until Ctrl-C - the SageMaker simulator, the
 * SQS/S3 emulator, Step Functions (the graceful-stop and stop-all state machines on the embedded
 * engine) and EventBridge (template.yaml's own rules): a stop made with the AWS CLI or boto3 is
 * drained by the stop watch, a run's end wakes the stops waiting on it.
 */
import type { Command } from '#cli/args.js';
import { UsageError } from '#cli/command-table.js';
import { functionLogs, io } from '#cli/io.js';
import type { EventBridgeEvent } from '#local/events/event.js';
import type { Delivery } from '#local/events/bus.js';
import type { DeadLetter } from '#local/cloud.js';
import { metricLines } from '#cli/metrics-view.js';
import { printable } from '#cli/printable.js';
import { routeFunctionOutput, type FunctionOutputRoutes } from '#local/engine/function-output.js';

export type SimulateOptions = Extract<Command, { name: 'simulate' }>;

/** A port taken by another process names the flag that chose it. */
function portInUse(error: unknown, options: SimulateOptions): UsageError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'EADDRINUSE') return undefined;
  const port = Number((error as { port?: unknown }).port);
  const flag = port === options.sqsPort && options.sqsPort !== 0 ? '--sqs-port' : '--port';
  return new UsageError(
    `${flag} ${port} is in use on 127.0.0.1 by another process; expected a free port, or 0 for any.`,
    'simulate',
    error,
  );
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * One line per event a rule matched, and per completion event: what came, how it ended (a failure's
 * error is named), and where the rules sent it.
 */
export function eventLine(event: EventBridgeEvent, deliveries: Delivery[]): string | undefined {
  if (deliveries.length === 0 && !event['detail-type'].endsWith(' Completed')) return undefined;
  const detail = event.detail;
  const error = text(detail.error);
  const what = [
    text(detail.currentPipelineExecutionStatus),
    text(detail.status),
    text(detail.outcome),
    error ? `failed ${error}` : undefined,
    text(detail.pipelineExecutionArn) ?? text(detail.executionArn),
  ]
    .filter((part) => part !== undefined)
    .join(' ');
  return printable(
    `event ${event['detail-type']}: ${what}${deliveries.length ? ` -> ${deliveries.map((delivery) => delivery.target).join(', ')}` : ''}`,
  );
}

/** A rule target that failed: its error, and where the event is kept. */
export function deadLetterLine({ event, target, error }: DeadLetter): string {
  const named = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return printable(
    `event ${event['detail-type']} (id ${event.id}): ${target} failed: ${named.replace(/\s+/g, ' ').slice(0, 300)} (the event is kept with the rule's dead letters)`,
  );
}

/**
 * The functions run in the simulate process: their log lines only with --verbose (or LOG_LEVEL),
 * their metrics only with --metrics, one line each (`metric <Namespace> <Name> <value> <Unit> (...)`).
 */
export function functionOutputOf(
  options: Pick<SimulateOptions, 'metrics' | 'verbose'>,
  write: (line: string) => void = (line) => io.err(`${line}\n`),
): FunctionOutputRoutes {
  return {
    onLog: functionLogs(options),
    onMetrics: (document) => {
      if (options.metrics) for (const line of metricLines(document)) write(`metric ${line}`);
    },
  };
}

/** Ctrl-C ends it with 130, as every command of this CLI (and a shell) reports an interrupt; SIGTERM with 0. */
const endSignal = (): Promise<NodeJS.Signals> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

const CREDENTIAL_LINES = [
  'export AWS_REGION=us-east-1',
  'export AWS_DEFAULT_REGION=us-east-1',
  'export AWS_ACCESS_KEY_ID=local',
  'export AWS_SECRET_ACCESS_KEY=local',
];

/**
 * `simulate --accounts N --regions LIST`: a local organization, this process its hub, each spoke a
 * thread with its own simulator and stop-all; the exports point a shell at the hub.
 */
async function simulateOrganization(options: SimulateOptions, organization: { accounts: number; regions: string[] }): Promise<number> {
  const [{ startLocalOrganization }, { describeSeedRun }, { EXIT }] = await Promise.all([
    import('#local/organization/organization.js'),
    import('#local/seed-runs.js'),
    import('#cli/outcome.js'),
  ]);
  routeFunctionOutput(functionOutputOf(options));
  let started: Awaited<ReturnType<typeof startLocalOrganization>>;
  try {
    started = await startLocalOrganization({
      ...organization,
      timeScale: options.timeScale,
      ...(options.executionLimit === undefined ? {} : { executionLimit: options.executionLimit }),
      ...(options.withRun === undefined ? {} : { seed: { [options.withRun]: 1 } }),
      hub: {
        port: options.port,
        sqsPort: options.sqsPort,
        onEvent: (event, deliveries) => {
          const line = eventLine(event, deliveries);
          if (line) io.err(`${line}\n`);
        },
        onDeadLetter: (letter) => io.err(`${deadLetterLine(letter)}\n`),
      },
    });
  } catch (error) {
    throw portInUse(error, options) ?? error;
  }
  const ended = endSignal();
  const lines = [
    ...Object.entries(started.exports).map(([name, value]) => `export ${name}=${value}`),
    ...CREDENTIAL_LINES.filter((line) => !line.startsWith('export AWS_ACCESS_KEY_ID=')),
    `export GRACEFUL_STOP_ORGANIZATION_STOP_STATE_MACHINE_ARN=${started.hub.organizationStop.arn}`,
    `export GRACEFUL_STOP_TIME_SCALE=${options.timeScale}`,
  ];
  io.out(`${lines.join('\n')}\n`);
  const spokes = started.spokes.map(
    (spoke) => `  ${spoke.accountId} ${spoke.region.padEnd(14)} ${spoke.runs.length} run(s)  simulator ${spoke.sagemakerEndpoint}`,
  );
  io.err(
    `local organization ${started.organizationId}: hub ${started.hub.accountId} ${started.hub.region} (STS, Step Functions, CloudFormation and Organizations on ${started.front.endpoint}), time scale ${options.timeScale}\n` +
      `spokes (accounts ${started.accounts.join(',')}):\n${spokes.join('\n')}\n` +
      `${options.withRun ? `each spoke runs ${describeSeedRun(options.withRun, options.timeScale)}\n` : ''}` +
      'paste the export lines above in another terminal; Ctrl-C ends the organization\n',
  );
  const signal = await ended;
  await started.close();
  return signal === 'SIGINT' ? EXIT.interrupted : EXIT.success;
}

export async function simulate(options: SimulateOptions): Promise<number> {
  if (options.organization) return simulateOrganization(options, options.organization);
  const [{ startLocalCloud }, { describeSeedRun, startSeedRun }, { EXIT }] = await Promise.all([
    import('#local/cloud.js'),
    import('#local/seed-runs.js'),
    import('#cli/outcome.js'),
  ]);
  // Read by the function bundles at load: their clock runs as fast as the simulator's.
  process.env.GRACEFUL_STOP_TIME_SCALE = String(options.timeScale);
  routeFunctionOutput(functionOutputOf(options));
  let cloud: Awaited<ReturnType<typeof startLocalCloud>>;
  try {
    cloud = await startLocalCloud({
      port: options.port,
      sqsPort: options.sqsPort,
      timeScale: options.timeScale,
      concurrentExecutionLimit: options.executionLimit,
      // As template.yaml deploys it (PipelineLimitsEnabled): a pipeline's graceful-stop:max-concurrent-runs holds.
      pipelineLimits: true,
      ...(options.stopWatchGraceSeconds === undefined ? {} : { stopWatch: { graceSeconds: options.stopWatchGraceSeconds } }),
      ...(options.orphanGuard === undefined ? {} : { orphanGuard: { stateMachinePattern: options.orphanGuard } }),
      onEvent: (event, deliveries) => {
        const line = eventLine(event, deliveries);
        if (line) io.err(`${line}\n`);
      },
      onDeadLetter: (letter) => io.err(`${deadLetterLine(letter)}\n`),
    });
  } catch (error) {
    throw portInUse(error, options) ?? error;
  }
  const arn = options.withRun !== undefined ? await startSeedRun(cloud.emulators.endpoints, options.withRun) : undefined;
  // Paste-able: eval "$(graceful-stop simulate ...)" works too, and the CLI, the AWS CLI and boto3 then talk to the local cloud.
  const lines = [
    ...Object.entries(cloud.exports).map(([name, value]) => `export ${name}=${value}`),
    ...CREDENTIAL_LINES,
    `export GRACEFUL_STOP_STATE_MACHINE_ARN=${cloud.gracefulStop.arn}`,
    `export GRACEFUL_STOP_STOP_ALL_STATE_MACHINE_ARN=${cloud.stopAll.arn}`,
    // The CLI's local mode runs its waits on this clock too (the functions and the engine read it).
    `export GRACEFUL_STOP_TIME_SCALE=${options.timeScale}`,
    ...(arn ? [`export PIPELINE_EXECUTION_ARN=${arn}`] : []),
  ];
  // Listened for before the lines are printed: whoever reads them may signal at once.
  const ended = endSignal();
  io.out(`${lines.join('\n')}\n`);
  const { sagemakerEndpoint, sqsEndpoint } = cloud.emulators.endpoints;
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
  const signal = await ended;
  await cloud.close();
  return signal === 'SIGINT' ? EXIT.interrupted : EXIT.success;
}

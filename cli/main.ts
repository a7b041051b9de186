import './environment.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeFunctionOutput, type EmfDocument } from '../local/engine/function-output.js';
import { LOCAL_FUNCTION_ENVIRONMENT } from '../local/engine/functions.js';
import { projectRoot } from '../local/engine/paths.js';
import { startLocalStack } from '../local/stack.js';
import { commandUsage, parseCommandLine, USAGE, UsageError, type Command } from './args.js';
import { awsErrorHint, runAwsCommand, type CliIO } from './aws-mode.js';
import { runDemo, UnknownScenario } from './demo/demo.js';
import { interruptNotice, RunTracker } from './interrupt.js';
import { metricsReport } from './metrics-view.js';
import { EXIT, exitCodeOf, humanResult, jsonResult } from './result-view.js';
import { isSeedRunName, SEED_RUNS, startSeedRun, UnknownSeedRun } from './seed-runs.js';
import { runStopAllLocally } from './stop-all-local.js';
import { humanStopAllResult, stopAllExitCode } from './stop-all-view.js';
import { runGracefulStopLocally } from './stop-local.js';

const version = (): string => (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** stdout carries the result alone; progress, notices and the functions' logs go to stderr. */
const io: CliIO & { columns: () => number | undefined } = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
  columns: () => process.stderr.columns,
};

/** `| head -1` closes stdout early: end quietly, as Unix tools do. */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/** The local mode's defaults for validating a command line: what template.yaml deploys. */
function localDefaults() {
  const releaseAfter = LOCAL_FUNCTION_ENVIRONMENT.DEFAULT_RELEASE_CALLBACKS_AFTER_SECONDS ?? '';
  return {
    maxWaitSeconds: Number(LOCAL_FUNCTION_ENVIRONMENT.DEFAULT_MAX_WAIT_SECONDS),
    ...(releaseAfter.trim() === '' ? {} : { releaseCallbacksAfterSeconds: Number(releaseAfter) }),
  };
}

/**
 * Ctrl-C: the first one says what the interrupted run leaves behind and exits
 * 130; a second one (while the first is being written) exits at once.
 */
function onInterrupt(notice: () => string): void {
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.exitCode = 130;
    process.stderr.write(`\n${notice()}\n`, () => process.exit(130));
  });
}

async function simulate(command: Extract<Command, { name: 'simulate' }>): Promise<number> {
  const stack = await startLocalStack({ port: command.port, sqsPort: command.sqsPort, timeScale: command.timeScale });
  const { sagemakerEndpoint, sqsEndpoint } = stack.endpoints;
  let arn: string | undefined;
  if (command.withRun !== undefined) arn = await startSeedRun(stack.endpoints, command.withRun as keyof typeof SEED_RUNS);
  // Paste-able: eval "$(graceful-stop simulate ...)" works too, and the CLI and the AWS CLI then talk to the simulator.
  const lines = [
    `export AWS_ENDPOINT_URL_SAGEMAKER=${sagemakerEndpoint}`,
    `export AWS_ENDPOINT_URL_SQS=${sqsEndpoint}`,
    'export AWS_REGION=us-east-1',
    'export AWS_DEFAULT_REGION=us-east-1',
    'export AWS_ACCESS_KEY_ID=local',
    'export AWS_SECRET_ACCESS_KEY=local',
    ...(arn ? [`export PIPELINE_EXECUTION_ARN=${arn}`] : []),
  ];
  io.out(`${lines.join('\n')}\n`);
  io.err(
    `SageMaker simulator on ${sagemakerEndpoint}, SQS emulator on ${sqsEndpoint} (time scale ${command.timeScale})` +
      `${arn && command.withRun ? `\nstarted ${SEED_RUNS[command.withRun as keyof typeof SEED_RUNS].title}:\n  ${arn}` : ''}\npaste the export lines above in another terminal; Ctrl-C ends the simulator\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stack.close();
  return EXIT.success;
}

type LocalCommand = Extract<Command, { name: 'stop' | 'stop-all' }>;

/** Progress on stderr unless --quiet (--json keeps it, on stderr). */
const progressFor = (command: { quiet: boolean }) =>
  command.quiet ? {} : { progress: { isTTY: io.isTTY, columns: io.columns, write: (text: string) => io.err(text) } };

async function stopLocally(command: Extract<LocalCommand, { name: 'stop' }>, metrics: EmfDocument[]): Promise<number> {
  const tracker = new RunTracker(command.input);
  onInterrupt(() => interruptNotice(tracker));
  const result = await runGracefulStopLocally(command.input, { ...progressFor(command), onStateExited: (name, output) => tracker.onStateExited(name, output) });
  io.out(`${command.json ? jsonResult(result) : humanResult(result)}\n`);
  if (command.metrics && !command.quiet) io.err(metricsReport(metrics));
  return exitCodeOf(result);
}

async function stopAllLocally(command: Extract<LocalCommand, { name: 'stop-all' }>, metrics: EmfDocument[]): Promise<number> {
  onInterrupt(() => 'interrupted: the graceful stops already started keep draining on SageMaker; run the same stop-all again to finish the rest.');
  const result = await runStopAllLocally(command.input, progressFor(command));
  io.out(`${command.json ? jsonResult(result) : humanStopAllResult(result)}\n`);
  if (command.metrics && !command.quiet) io.err(metricsReport(metrics));
  return stopAllExitCode(result);
}

export async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  let command: Command;
  try {
    command = parseCommandLine(argv, { defaults: localDefaults() });
    if (command.name === 'simulate' && command.withRun !== undefined && !isSeedRunName(command.withRun)) {
      throw new UsageError(new UnknownSeedRun(command.withRun).message, 'simulate');
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${error.command ? commandUsage(error.command) : USAGE}\n`);
    return EXIT.usage;
  }
  // The handlers run in this process: their logs go to stderr, their metrics to --metrics.
  const metrics: EmfDocument[] = [];
  if (command.name === 'stop' || command.name === 'stop-all' || command.name === 'demo') {
    routeFunctionOutput({ onMetrics: (document) => metrics.push(document) });
  }
  switch (command.name) {
    case 'help':
      io.out(`${command.command ? commandUsage(command.command) : USAGE}\n`);
      return EXIT.success;
    case 'version':
      io.out(`graceful-stop ${version()}\n`);
      return EXIT.success;
    case 'simulate':
      return simulate(command);
    case 'demo': {
      onInterrupt(() => 'interrupted: the demo ran on a private simulator in this process; nothing is left behind.');
      const result = await runDemo({
        ...(command.scenario !== undefined ? { scenario: command.scenario } : {}),
        json: command.json,
        out: command.quiet ? () => undefined : (line) => io.err(`${line}\n`),
        result: (text) => io.out(`${text}\n`),
      });
      if (command.metrics && !command.quiet) io.err(metricsReport(metrics));
      return result.asExpected ? EXIT.success : EXIT.namedFailure;
    }
    case 'stop':
    case 'stop-all':
      if (command.stateMachineArn || command.stackName) {
        return runAwsCommand(command, { ...io, ...(command.quiet ? { err: () => undefined } : {}) }, undefined, undefined, (notice) => onInterrupt(notice));
      }
      return command.name === 'stop' ? stopLocally(command, metrics) : stopAllLocally(command, metrics);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const named = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    const hint = awsErrorHint(error);
    io.err(`${named}${hint ? `\n  ${hint}` : ''}\n`);
    process.exitCode = error instanceof UnknownScenario ? EXIT.usage : EXIT.namedFailure;
  },
);

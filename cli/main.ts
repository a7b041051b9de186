import { runDemo, UnknownScenario } from './demo/demo.js';
import { startLocalStack } from '../local/stack.js';
import { parseCommandLine, USAGE, UsageError, type Command } from './args.js';
import { EXIT, exitCodeOf, humanResult, jsonResult } from './result-view.js';
import { runGracefulStopLocally } from './stop-local.js';
import { runAwsCommand } from './aws-mode.js';
import { runStopAllLocally } from './stop-all-local.js';
import { humanStopAllResult, stopAllExitCode } from './stop-all-view.js';

async function simulate(command: Extract<Command, { name: 'simulate' }>): Promise<number> {
  const stack = await startLocalStack({ port: command.port, sqsPort: command.sqsPort, timeScale: command.timeScale });
  process.stdout.write(`${JSON.stringify(stack.endpoints)}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stack.close();
  return EXIT.success;
}

/** Progress goes to stderr, and only with human output: `--json` keeps the terminal quiet. */
const progressFor = (json: boolean) => (json ? {} : { progress: { isTTY: process.stderr.isTTY === true, write: (text: string) => process.stderr.write(text) } });

async function stopLocally(command: Extract<Command, { name: 'stop' }>): Promise<number> {
  const result = await runGracefulStopLocally(command.input, progressFor(command.json));
  process.stdout.write(`${command.json ? jsonResult(result) : humanResult(result)}\n`);
  return exitCodeOf(result);
}

async function stopAllLocally(command: Extract<Command, { name: 'stop-all' }>): Promise<number> {
  const result = await runStopAllLocally(command.input, progressFor(command.json));
  process.stdout.write(`${command.json ? jsonResult(result) : humanStopAllResult(result)}\n`);
  return stopAllExitCode(result);
}

const consoleIO = {
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
};

export async function main(argv: string[]): Promise<number> {
  // Node 20 is supported until the SDK drops it; its warning would drown the output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  switch (command.name) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return EXIT.success;
    case 'simulate':
      return simulate(command);
    case 'demo': {
      const result = await runDemo({ ...(command.scenario !== undefined ? { scenario: command.scenario } : {}), json: command.json });
      return result.asExpected ? EXIT.success : EXIT.namedFailure;
    }
    case 'stop':
      return command.stateMachineArn || command.stackName ? runAwsCommand(command, consoleIO) : stopLocally(command);
    case 'stop-all':
      return command.stateMachineArn || command.stackName ? runAwsCommand(command, consoleIO) : stopAllLocally(command);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const named = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`${named}\n`);
    process.exitCode = error instanceof UnknownScenario ? EXIT.usage : EXIT.namedFailure;
  },
);

/**
 * The graceful-stop command: parses the command line and hands it to its command, one file each
 * under commands/, each loaded only when it runs (so --help and --version answer at once).
 */
import './environment.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandUsage, USAGE } from './help.js';
import { parseCommandLine, type Command } from './args.js';
import { UsageError } from './command-table.js';
import { toCliFailure } from './failure.js';
import { endQuietlyOnClosedPipe, io } from './io.js';
import { invokedAs } from './interrupt.js';
import { projectRoot } from '#local/engine/paths.js';

const EXIT_USAGE = 2;
const EXIT_FAILED = 1;

/** One line pointing at the help of the command that was mistyped (or of all commands). */
const helpPointer = (command?: string): string => `See '${invokedAs()}${command ? ` ${command}` : ''} --help'.`;

const version = (): string => (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The local mode checks a command line against the deployment's defaults: what template.yaml deploys. */
async function localDefaults(argv: string[]) {
  if ((argv[0] !== 'stop' && argv[0] !== 'stop-all') || argv.includes('--help') || argv.includes('-h')) return undefined;
  const [{ LOCAL_FUNCTION_ENVIRONMENT }, { readRequestDefaults }] = await Promise.all([
    import('#local/engine/functions.js'),
    import('#graceful-stop/stop-request.js'),
  ]);
  return readRequestDefaults(LOCAL_FUNCTION_ENVIRONMENT);
}

async function run(command: Command): Promise<number> {
  switch (command.name) {
    case 'help':
      io.out(`${command.command ? commandUsage(command.command) : USAGE}\n`);
      return 0;
    case 'version':
      io.out(`graceful-stop ${version()}\n`);
      return 0;
    case 'simulate':
      return (await import('./commands/simulate.js')).simulate(command);
    case 'demo':
      return (await import('./commands/demo.js')).demo(command);
    case 'stop':
      return (await import('./commands/stop.js')).stop(command);
    case 'stop-all':
      return (await import('./commands/stop-all.js')).stopAll(command);
    case 'limits':
      return (await import('./commands/limits.js')).limits(command);
  }
}

export async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  let command: Command;
  try {
    const defaults = await localDefaults(argv);
    command = parseCommandLine(argv, defaults ? { defaults } : {});
    return await run(command);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // The error and where the usage is, as git and the CDK CLI answer: the help itself only when asked for.
    io.err(`${error.message}\n${helpPointer(error.command)}\n`);
    return EXIT_USAGE;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Whatever kept the command from finishing: the documented result format on stdout ({error, cause} with --json).
    const { error: name, cause } = toCliFailure(error);
    io.out(`${process.argv.includes('--json') ? JSON.stringify({ error: name, cause }, null, 2) : `FAILED ${name}: ${cause}`}\n`);
    process.exitCode = EXIT_FAILED;
  },
);

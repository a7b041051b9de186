/**
 * The command line: argv read by the command table (cli/argv.ts), then, for `stop` and `stop-all`,
 * the very input document a console user would paste, validated with the state machine's own
 * parsers: an InvalidInput becomes a usage error with the same message, in the words of the flags.
 */
import { InvalidInput } from '#commons/errors.js';
import { parseStopRequest, type RequestDefaults } from '#graceful-stop/stop-request.js';
import { parseStopAllRequest } from '#stop-all/stop-all-request.js';
import { MAX_WAIT_SECONDS_LIMIT } from '#commons/validation.js';
import { COMMANDS, UsageError, type CommandName, type CommandSpec, type SEED_RUN_NAMES } from './command-table.js';
import { parseFlags, shown, type Parsed } from './argv.js';
import { organizationInput, organizationTargets, simulatedOrganization } from './organization-args.js';

export type Command =
  | { name: 'help'; command?: CommandName }
  | { name: 'version' }
  | ({ name: 'demo'; scenario?: string } & OutputOptions)
  | { name: 'limits'; json: boolean; pipelineNamePattern: string; maxRuntimeSeconds?: number }
  | {
      name: 'simulate';
      port: number;
      sqsPort: number;
      timeScale: number;
      withRun?: (typeof SEED_RUN_NAMES)[number];
      stopWatchGraceSeconds?: number;
      orphanGuard?: string;
      executionLimit?: number;
      /** A local organization: N member accounts with a spoke in each region, the hub this process. */
      organization?: { accounts: number; regions: string[] };
      metrics: boolean;
      verbose: boolean;
    }
  | ({ name: 'stop'; input: Record<string, unknown>; stateMachineArn?: string; stackName?: string } & OutputOptions)
  | ({
      name: 'stop-all';
      input: Record<string, unknown>;
      stateMachineArn?: string;
      stackName?: string;
      /** Across an organization: the input is the hub's organization stop's (targets and selection). */
      organization?: true;
    } & OutputOptions);

/** What every command that reports takes: --json, --quiet, --metrics, --verbose. */
export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  metrics: boolean;
  verbose: boolean;
}

/** The OrphanGuardStateMachinePattern of template.yaml: state machine names with '*'. */
const STATE_MACHINE_NAME_PATTERN = /^[A-Za-z0-9_.*-]{1,80}$/;

function orphanGuardPattern(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!STATE_MACHINE_NAME_PATTERN.test(value)) {
    throw new UsageError(
      `--orphan-guard "${value.slice(0, 80)}" is not a state machine name pattern; expected 1-80 letters, digits, '-', '_', '.' and '*' (e.g. training-*).`,
      'simulate',
    );
  }
  return value;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

function target(command: CommandName, values: Parsed['values']): { stateMachineArn?: string; stackName?: string } {
  const stateMachineArn = values['state-machine-arn'] as string | undefined;
  const stackName = values['stack-name'] as string | undefined;
  if (stateMachineArn !== undefined && stackName !== undefined) {
    throw new UsageError('Give either --state-machine-arn or --stack-name, not both.', command);
  }
  if (stateMachineArn !== undefined && !STATE_MACHINE_ARN.test(stateMachineArn)) {
    throw new UsageError(
      `--state-machine-arn "${shown(stateMachineArn)}" is not a state machine ARN; expected arn:aws:states:<region>:<account>:stateMachine:<name>.`,
      command,
    );
  }
  if (stackName !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new UsageError(`--stack-name "${shown(stackName)}" is not a CloudFormation stack name.`, command);
  }
  return { ...(stateMachineArn ? { stateMachineArn } : {}), ...(stackName ? { stackName } : {}) };
}

/** What the input fields are called on the command line: the flags that fill them, the positional argument. */
function flagNames(command: CommandName): Array<[field: string, flag: string]> {
  const spec: CommandSpec = COMMANDS[command];
  const names: Array<[string, string]> = Object.entries(spec.flags).flatMap(([flag, flagSpec]) =>
    flagSpec.input ? [[flagSpec.input, `--${flag}`] as [string, string]] : [],
  );
  if (spec.positionals.name) names.push([spec.positionals.name, `<${spec.positionals.name}>`]);
  if (command === 'stop-all') names.push(['pipelineNames', '<pipelineName>...']);
  return names;
}

/**
 * The state machine's sentence in the words of the command line: each input field becomes the flag
 * the user typed (`--max-wait`, not maxWaitSeconds), and a seconds value of a duration flag says so.
 */
export function inFlags(command: CommandName, message: string): string {
  let text = message;
  for (const [field, flag] of flagNames(command).sort((a, b) => b[0].length - a[0].length)) {
    const seconds = field.endsWith('Seconds');
    text = text.replace(
      new RegExp(`\\b${field}\\b( \\((\\d+)([,)]))?`, 'g'),
      (_, value: string | undefined, amount: string | undefined, close: string | undefined) =>
        value === undefined ? flag : `${flag} (${amount}${seconds ? ' s' : ''}${close}`,
    );
  }
  return text
    .replace("the deployment's default DefaultMaxWaitSeconds", "the deployment's default")
    .replace('The input has', 'The command line has');
}

/** Runs a state machine parser: its InvalidInput becomes a usage error saying the same in flags. */
function validated<T>(command: CommandName, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidInput) throw new UsageError(inFlags(command, error.message), command, error);
    throw error;
  }
}

const defined = <T extends Record<string, unknown>>(record: T): Partial<T> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;

/** The state machine input the given flags fill, by the `input` field of each flag in the table. */
function inputFromFlags(command: CommandName, values: Parsed['values']): Record<string, unknown> {
  const spec: CommandSpec = COMMANDS[command];
  return Object.fromEntries(
    Object.entries(spec.flags).flatMap(([flag, flagSpec]) =>
      flagSpec.input !== undefined && values[flag] !== undefined ? [[flagSpec.input, values[flag]]] : [],
    ),
  );
}

export interface ParseContext {
  /**
   * The defaults the input is checked against: the deployment's where they
   * are known (local mode: template.yaml's), else the widest the contract
   * allows (AWS mode, where the stack's own defaults decide).
   */
  defaults?: RequestDefaults;
}

/** Parses argv (without node and the script) into a command; throws UsageError. */
export function parseCommandLine(argv: string[], context: ParseContext = {}): Command {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('No command given.');
  if (name === 'help' || name === '--help' || name === '-h') {
    const about = rest[0];
    if (about === undefined) return { name: 'help' };
    if (!Object.hasOwn(COMMANDS, about)) {
      throw new UsageError(`No help for "${shown(about)}"; expected one of ${Object.keys(COMMANDS).join(', ')}.`);
    }
    return { name: 'help', command: about as CommandName };
  }
  if (name === '--version' || name === '-V' || name === 'version') return { name: 'version' };
  if (!Object.hasOwn(COMMANDS, name)) {
    throw new UsageError(`Unknown command "${shown(name)}"; expected ${Object.keys(COMMANDS).join(', ')}, --help or --version.`);
  }
  const command = name as CommandName;
  const { values, positionals, help } = parseFlags(command, rest);
  if (help) return { name: 'help', command };
  const output: OutputOptions = {
    json: values.json === true,
    quiet: values.quiet === true,
    metrics: values.metrics === true,
    verbose: values.verbose === true,
  };
  switch (command) {
    case 'demo':
      return { name: 'demo', ...output, ...defined({ scenario: values.scenario as string | undefined }) };
    case 'limits':
      if (values['dry-run'] !== true)
        throw new UsageError("limits shows what the pipelines' limits would stop, and stops nothing: add --dry-run.", 'limits');
      return {
        name: 'limits',
        json: output.json,
        pipelineNamePattern: (values['pipeline-pattern'] as string | undefined) ?? '*',
        ...defined({ maxRuntimeSeconds: values['max-runtime'] as number | undefined }),
      };
    case 'simulate':
      return {
        name: 'simulate',
        port: (values.port as number | undefined) ?? 0,
        sqsPort: (values['sqs-port'] as number | undefined) ?? 0,
        timeScale: (values['time-scale'] as number | undefined) ?? 1,
        metrics: output.metrics,
        verbose: output.verbose,
        ...defined({
          withRun: values['with-run'] as (typeof SEED_RUN_NAMES)[number] | undefined,
          stopWatchGraceSeconds: values['stop-watch'] as number | undefined,
          orphanGuard: orphanGuardPattern(values['orphan-guard'] as string | undefined),
          executionLimit: values['execution-limit'] as number | undefined,
          organization: simulatedOrganization(values),
        }),
      };
    case 'stop': {
      const aws = target(command, values);
      const input = { pipelineExecutionArn: positionals[0], ...inputFromFlags(command, values) };
      const remote = aws.stateMachineArn !== undefined || aws.stackName !== undefined;
      const defaults = remote || !context.defaults ? { maxWaitSeconds: MAX_WAIT_SECONDS_LIMIT } : context.defaults;
      validated(command, () => parseStopRequest(input, defaults));
      return { name: 'stop', ...output, ...aws, input };
    }
    case 'stop-all': {
      const aws = target(command, values);
      const pattern = values['pipeline-pattern'] as string | undefined;
      if (pattern !== undefined && positionals.length > 0) {
        throw new UsageError('Give pipeline names or --pipeline-pattern, not both.', command);
      }
      if (pattern === undefined && positionals.length === 0) {
        throw new UsageError('Expected a pipelineName (or several), or --pipeline-pattern PATTERN.', command);
      }
      const input = {
        ...(positionals.length === 1 ? { pipelineName: positionals[0] } : {}),
        ...(positionals.length > 1 ? { pipelineNames: positionals } : {}),
        ...inputFromFlags(command, values),
      };
      validated(command, () => parseStopAllRequest(input));
      const targets = organizationTargets(values);
      if (targets) {
        const remote = aws.stateMachineArn !== undefined || aws.stackName !== undefined;
        return { name: 'stop-all', ...output, ...aws, organization: true, input: organizationInput(targets, input, remote) };
      }
      return { name: 'stop-all', ...output, ...aws, input };
    }
  }
}

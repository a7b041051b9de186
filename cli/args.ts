/**
 * The command line: one table of commands and flags, parsed by hand so every
 * mistake gets its own clear message (a repeated flag, a negative duration, an
 * unknown option). `stop` and `stop-all` build the very input document a
 * console user would paste and validate it with the state machine's own
 * parsers: an InvalidInput becomes a usage error with the same message.
 */
import { SETTING_BOUNDS } from '#commons/settings.js';
import { InvalidInput, NamedError } from '#commons/errors.js';
import { parseStopRequest, type RequestDefaults } from '#graceful-stop/stop-request.js';
import { DEFAULT_SIGNAL_RATE_PER_SECOND, SIGNAL_RATE_LIMIT, parseStopAllRequest } from '#stop-all/stop-all-request.js';
import { MAX_WAIT_SECONDS_LIMIT } from '#commons/validation.js';

/** A command line that cannot run: exit code 2 with a message saying what was expected. */
export class UsageError extends NamedError {
  constructor(
    message: string,
    /** The command whose usage to show with the message (the overview when absent). */
    readonly command?: CommandName,
    cause?: unknown,
  ) {
    super('UsageError', message, cause);
  }
}

type FlagKind = 'boolean' | 'string' | 'duration' | 'integer' | 'number';
interface FlagSpec {
  kind: FlagKind;
  /** The only values a string flag takes (a test keeps them equal to what the command knows). */
  choices?: readonly string[];
  /** The field of the state machine input this flag fills (a boolean flag fills `true` when given). */
  input?: string;
  /** Placeholder in the usage text. */
  value?: string;
  help: string;
  min?: number;
  max?: number;
}
interface CommandSpec {
  synopsis: string;
  summary: string;
  positionals: { name: string; min: number; max: number };
  flags: Record<string, FlagSpec>;
}

/** The demo's scenarios and the runs `simulate --with-run` starts (cli/demo/scenarios.ts, cli/seed-runs.ts). */
export const DEMO_SCENARIO_NAMES = ['callback-and-lambda', 'silent-consumer', 'lambda-timeout', 'already-stopped'] as const;
export const SEED_RUN_NAMES = ['training', 'lambda', 'callback'] as const;

const AWS_TARGET: Record<string, FlagSpec> = {
  'state-machine-arn': { kind: 'string', value: 'ARN', help: 'run the deployed state machine on AWS Step Functions and follow it' },
  'stack-name': { kind: 'string', value: 'NAME', help: 'the same, reading the state machine ARN from the stack outputs' },
};
const VERBOSE: FlagSpec = { kind: 'boolean', help: "local mode: show the functions' own log lines on stderr (so does LOG_LEVEL=INFO)" };
const OUTPUT: Record<string, FlagSpec> = {
  json: { kind: 'boolean', help: 'print the result as one JSON document on stdout' },
  quiet: { kind: 'boolean', help: 'no progress on stderr' },
  metrics: { kind: 'boolean', help: 'local mode: show the metrics the functions emitted, on stderr' },
  verbose: VERBOSE,
};
const STOP_INPUT: Record<string, FlagSpec> = {
  'max-wait': {
    kind: 'duration',
    value: 'DURATION',
    help: "deadline for the drain (900, 15m, 2h; default: the deployment's)",
    min: 1,
    max: MAX_WAIT_SECONDS_LIMIT,
    input: 'maxWaitSeconds',
  },
  'release-callbacks-after': {
    kind: 'duration',
    value: 'DURATION',
    help: 'fail callback steps still waiting after this grace period',
    min: 0,
    max: MAX_WAIT_SECONDS_LIMIT,
    input: 'releaseCallbacksAfterSeconds',
  },
  reason: {
    kind: 'string',
    value: 'TEXT',
    help: "why, for the callback steps' failure reason and the report (1-256 characters)",
    input: 'reason',
  },
};

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

export const COMMANDS = {
  demo: {
    synopsis: 'graceful-stop demo [--scenario NAME] [--json] [--quiet] [--metrics] [--verbose]',
    summary: 'run a graceful stop of a demo pipeline on a private local simulator, end to end',
    positionals: { name: '', min: 0, max: 0 },
    flags: {
      scenario: {
        kind: 'string',
        value: 'NAME',
        help: 'callback-and-lambda (default), silent-consumer, lambda-timeout, already-stopped',
        choices: DEMO_SCENARIO_NAMES,
      },
      ...OUTPUT,
    },
  },
  simulate: {
    synopsis:
      'graceful-stop simulate [--port N] [--sqs-port N] [--time-scale K] [--with-run RUN]\n' +
      '                       [--stop-watch GRACE] [--orphan-guard PATTERN] [--execution-limit N]\n' +
      '                       [--metrics] [--verbose]',
    summary:
      "run the SageMaker simulator, SQS/S3 emulator, Step Functions and EventBridge (template.yaml's rules) on 127.0.0.1 until Ctrl-C, printing the export lines to use them",
    positionals: { name: '', min: 0, max: 0 },
    flags: {
      port: { kind: 'integer', value: 'N', help: 'SageMaker simulator port (default: any free port)', min: 0, max: 65535 },
      'sqs-port': { kind: 'integer', value: 'N', help: 'SQS emulator port (default: any free port)', min: 0, max: 65535 },
      'time-scale': { kind: 'number', value: 'K', help: 'simulated seconds per real second (default 1)', min: 1, max: 10_000 },
      'with-run': {
        kind: 'string',
        value: 'RUN',
        help: 'start a run (training, lambda, callback) and print its ARN',
        choices: SEED_RUN_NAMES,
      },
      'stop-watch': {
        kind: 'duration',
        value: 'GRACE',
        help: 'the stop watch: a run stopped by anyone else is drained, its callback steps released after GRACE',
        min: 0,
        max: SETTING_BOUNDS.STOP_WATCH_GRACE_SECONDS.max,
      },
      'orphan-guard': {
        kind: 'string',
        value: 'PATTERN',
        help: 'the orphan guard: the runs a state machine named PATTERN (e.g. training-*) started are stopped when it aborts, times out or fails',
      },
      'execution-limit': {
        kind: 'integer',
        value: 'N',
        help: "the simulated account's quota of pipeline executions running at once (default 20, as on AWS)",
        min: 1,
        max: 100_000,
      },
      metrics: { kind: 'boolean', help: 'show each metric the functions emit, one line each' },
      verbose: VERBOSE,
    },
  },
  stop: {
    synopsis:
      'graceful-stop stop <pipelineExecutionArn> [--max-wait DURATION]\n' +
      '                   [--release-callbacks-after DURATION] [--fail-if-not-running] [--drain-only]\n' +
      '                   [--reason TEXT] [--json] [--quiet] [--metrics] [--verbose]\n' +
      '                   [--state-machine-arn ARN | --stack-name NAME]',
    summary: 'gracefully stop one pipeline execution and tell how it ended',
    positionals: { name: 'pipelineExecutionArn', min: 1, max: 1 },
    flags: {
      ...STOP_INPUT,
      'fail-if-not-running': {
        kind: 'boolean',
        help: 'end PipelineExecutionNotRunning (exit 1) if the run is no longer Executing',
        input: 'failIfNotRunning',
      },
      'drain-only': {
        kind: 'boolean',
        help: "the run is already Stopping by someone else's stop: drain and report it, no StopPipelineExecution (a run still Executing ends PipelineExecutionNotStopping at once)",
        input: 'drainOnly',
      },
      ...OUTPUT,
      ...AWS_TARGET,
    },
  },
  'stop-all': {
    synopsis:
      'graceful-stop stop-all [<pipelineName>...] [--pipeline-pattern PATTERN]\n' +
      '                       [--older-than DURATION] [--signal-rate N] [--dry-run]\n' +
      '                       [--max-wait DURATION] [--release-callbacks-after DURATION]\n' +
      '                       [--reason TEXT] [--json] [--quiet] [--metrics] [--verbose]\n' +
      '                       [--state-machine-arn ARN | --stack-name NAME]',
    summary:
      'gracefully stop every running execution of some pipelines (by name, names or pattern): signal them all, then wait for them together',
    positionals: { name: 'pipelineName', min: 0, max: 100 },
    flags: {
      'pipeline-pattern': {
        kind: 'string',
        value: 'PATTERN',
        help: "pipelines whose name matches, e.g. 'training-*' (instead of names)",
        input: 'pipelineNamePattern',
      },
      'older-than': {
        kind: 'duration',
        value: 'DURATION',
        help: 'only runs started at least this long ago (24h, 90m; default 0)',
        min: 0,
        max: 31_536_000,
        input: 'olderThanSeconds',
      },
      'signal-rate': {
        kind: 'integer',
        value: 'N',
        help: `StopPipelineExecution calls a second, and the pace of every SageMaker call (default: the deployment's, ${DEFAULT_SIGNAL_RATE_PER_SECOND})`,
        min: SIGNAL_RATE_LIMIT.min,
        max: SIGNAL_RATE_LIMIT.max,
        input: 'signalRatePerSecond',
      },
      'dry-run': { kind: 'boolean', help: 'list what would be stopped, and stop nothing', input: 'dryRun' },
      ...STOP_INPUT,
      ...OUTPUT,
      ...AWS_TARGET,
    },
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

/** Every line of the help fits a terminal of this width. */
export const HELP_COLUMNS = 80;

const EXIT_CODES = 'Exit codes: 0 success, 1 named failure, 2 usage error, 130 interrupted.';

const ABOUT =
  'Without --state-machine-arn/--stack-name, the state machine runs on the embedded engine in this ' +
  'process against the SageMaker endpoint of the environment (AWS by default; the simulator when ' +
  'AWS_ENDPOINT_URL_SAGEMAKER points at it). With them, the deployed state machine runs on AWS Step ' +
  'Functions (--stack-name reads its ARN from the stack outputs) and the CLI follows it to the end. ' +
  'Durations are seconds (900) or with units (90s, 15m, 2h, 1d, 1h30m). Progress goes to stderr, the ' +
  'result alone to stdout. stop-all exits 1 when any of its graceful stops failed.';

export const USAGE = `Usage:
${Object.values(COMMANDS)
  .map((spec) => synopsisLines(spec.synopsis, '  '))
  .join('\n')}
  graceful-stop <command> --help | graceful-stop --version

${wrap(ABOUT, HELP_COLUMNS).join('\n')}
${EXIT_CODES}`;

const FLAG_COLUMN = 28;

/** `text` in lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  return [...lines, current];
}

/** One flag's rows: the flag, then its help wrapped beside it (or below it, when the flag is wider than its column). */
function flagRows(left: string, help: string): string[] {
  const indent = ' '.repeat(FLAG_COLUMN + 3);
  const helpLines = wrap(help, HELP_COLUMNS - indent.length);
  if (left.length > FLAG_COLUMN) return [`  ${left}`, ...helpLines.map((line) => `${indent}${line}`)];
  return helpLines.map((line, index) => (index === 0 ? `  ${left.padEnd(FLAG_COLUMN)} ${line}` : `${indent}${line}`));
}

/**
 * A synopsis laid out after `prefix` within HELP_COLUMNS: `graceful-stop <command>` first, then its
 * arguments and bracketed options, wrapped under the first of them.
 */
function synopsisLines(synopsis: string, prefix: string): string {
  const tokens = synopsis.replace(/\s+/g, ' ').match(/\[[^\]]*\]|\S+/g) ?? [];
  const head = `${prefix}${tokens.slice(0, 2).join(' ')} `;
  const indent = ' '.repeat(head.length);
  const lines: string[] = [];
  let current = head.trimEnd();
  for (const token of tokens.slice(2)) {
    if (current.length + 1 + token.length > HELP_COLUMNS && current.trim() !== '') {
      lines.push(current);
      current = `${indent}${token}`;
    } else current = `${current} ${token}`;
  }
  return [...lines, current].join('\n');
}

/** The usage of one command: synopsis, summary and every flag, within HELP_COLUMNS. */
export function commandUsage(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const flags = Object.entries(spec.flags).flatMap(([flag, flagSpec]) =>
    flagRows(`--${flag}${flagSpec.value ? ` ${flagSpec.value}` : ''}`, flagSpec.help),
  );
  const summary = wrap(`${spec.summary}.`, HELP_COLUMNS).join('\n');
  return `${synopsisLines(spec.synopsis, 'Usage: ')}\n\n${summary}\n\n${[...flags, ...flagRows('-h, --help', 'this text')].join('\n')}\n\n${EXIT_CODES}`;
}

export type Command =
  | { name: 'help'; command?: CommandName }
  | { name: 'version' }
  | ({ name: 'demo'; scenario?: string } & OutputOptions)
  | {
      name: 'simulate';
      port: number;
      sqsPort: number;
      timeScale: number;
      withRun?: (typeof SEED_RUN_NAMES)[number];
      stopWatchGraceSeconds?: number;
      orphanGuard?: string;
      executionLimit?: number;
      metrics: boolean;
      verbose: boolean;
    }
  | ({ name: 'stop'; input: Record<string, unknown>; stateMachineArn?: string; stackName?: string } & OutputOptions)
  | ({ name: 'stop-all'; input: Record<string, unknown>; stateMachineArn?: string; stackName?: string } & OutputOptions);

/** What every command that reports takes: --json, --quiet, --metrics, --verbose. */
export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  metrics: boolean;
  verbose: boolean;
}

/** A usage message never grows with the argv. */
const MAX_SHOWN = 60;
const shown = (text: string): string => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text);

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** `900`, `90s`, `15m`, `2h`, `1d`, `1h30m` → seconds; undefined when it is no duration. */
export function parseDuration(raw: string): number | undefined {
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^(\d+[smhd])+$/.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhd])/g)) seconds += Number(amount) * (UNIT_SECONDS[unit ?? 's'] ?? 1);
  return seconds;
}

function flagValue(command: CommandName, flag: string, spec: FlagSpec, raw: string): string | number {
  const min = spec.min ?? 0;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  const bad = (expected: string): UsageError => new UsageError(`--${flag} is "${shown(raw)}"; expected ${expected}.`, command);
  switch (spec.kind) {
    case 'duration': {
      if (/^\s*-/.test(raw))
        throw bad(min > 0 ? 'a positive duration such as 900, 15m or 2h' : 'a duration of 0 or more, such as 0, 90s or 15m');
      const seconds = parseDuration(raw);
      if (seconds === undefined) throw bad(`a duration: seconds (${min > 0 ? '900' : '0'}) or with a unit (90s, 15m, 2h, 1d)`);
      if (seconds < min || seconds > max) throw bad(`a duration from ${min} s to ${max} s`);
      return seconds;
    }
    case 'integer': {
      const value = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || value < min || value > max) throw bad(`an integer from ${min} to ${max}`);
      return value;
    }
    case 'number': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) throw bad(`a number from ${min} to ${max}`);
      return value;
    }
    default:
      if (spec.choices && !spec.choices.includes(raw)) throw bad(`one of ${spec.choices.join(', ')}`);
      return raw;
  }
}

interface Parsed {
  values: Record<string, string | number | boolean>;
  positionals: string[];
  help: boolean;
}

/** Splits argv into flags and positionals by the command's table; every mistake is a UsageError naming it. */
function parseFlags(command: CommandName, argv: string[]): Parsed {
  const spec: CommandSpec = COMMANDS[command];
  const values: Parsed['values'] = {};
  const positionals: string[] = [];
  let flagsEnded = false;
  const known = Object.keys(spec.flags).map((flag) => `--${flag}`);
  // --help wins over every other mistake on the line: whoever asks for help gets it.
  const beforeDashDash = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (beforeDashDash.some((token) => token === '-h' || token === '--help')) return { values, positionals, help: true };
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] ?? '';
    if (flagsEnded || !token.startsWith('-') || token === '-' || /^-\d/.test(token)) {
      positionals.push(token);
      continue;
    }
    if (token === '--') {
      flagsEnded = true;
      continue;
    }
    const [name = '', inline] = token.startsWith('--')
      ? [
          token.slice(2, token.includes('=') ? token.indexOf('=') : undefined),
          token.includes('=') ? token.slice(token.indexOf('=') + 1) : undefined,
        ]
      : [token];
    const flag = Object.hasOwn(spec.flags, name) ? spec.flags[name] : undefined;
    if (!token.startsWith('--') || !flag) {
      throw new UsageError(
        `Unknown option '${shown(token.split('=')[0] ?? token)}' for ${command}; expected one of ${known.join(', ')}, --help.`,
        command,
      );
    }
    if (Object.hasOwn(values, name)) throw new UsageError(`--${name} is given more than once; give it once.`, command);
    if (flag.kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value; got "${shown(inline)}".`, command);
      values[name] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[index + 1];
      // A value may start with a dash only when it reads as a number (--max-wait -5 is a negative value, not a flag).
      if (next === undefined || (next.startsWith('-') && !/^-\d/.test(next))) {
        throw new UsageError(`--${name} needs a value (${flag.value ?? 'VALUE'}).`, command);
      }
      raw = next;
      index += 1;
    }
    values[name] = flagValue(command, name, flag, raw);
  }
  const { name, min, max } = spec.positionals;
  if (positionals.length > max) {
    throw new UsageError(
      max === 0
        ? `${command} takes no positional arguments; got "${shown(positionals[0] ?? '')}".`
        : `Expected ${max === 1 ? 'exactly one' : `at most ${max}`} ${name}, got ${positionals.length}.`,
      command,
    );
  }
  if (positionals.length < min) throw new UsageError(`Expected exactly one ${name}, got none.`, command);
  return { values, positionals, help: false };
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
      return { name: 'stop-all', ...output, ...aws, input };
    }
  }
}

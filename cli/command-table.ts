/**
 * The command line's one table: every command, its synopsis and summary, its positional arguments
 * and its flags (kind, bounds, choices, help, and the state machine input field each fills). The
 * help text, the argv reader and the input builder all read it.
 */
import { SETTING_BOUNDS } from '#commons/settings.js';
import { NamedError } from '#commons/errors.js';
import { DEFAULT_SIGNAL_RATE_PER_SECOND, SIGNAL_RATE_LIMIT } from '#stop-all/stop-all-request.js';
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

export type FlagKind = 'boolean' | 'string' | 'duration' | 'integer' | 'number';
export interface FlagSpec {
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
export interface CommandSpec {
  synopsis: string;
  summary: string;
  positionals: { name: string; min: number; max: number };
  flags: Record<string, FlagSpec>;
}

/** The demo's scenarios and the runs `simulate --with-run` starts (cli/demo/scenarios.ts, local/seed-runs.ts). */
export const DEMO_SCENARIO_NAMES = ['callback-and-lambda', 'silent-consumer', 'lambda-timeout', 'already-stopped'] as const;
export const SEED_RUN_NAMES = ['training', 'long-drain', 'lambda', 'callback'] as const;

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
  limits: {
    synopsis: 'graceful-stop limits --dry-run [--pipeline-pattern PATTERN] [--max-runtime DURATION] [--json]',
    summary:
      "show each pipeline's own limits from its graceful-stop: tags, the tags refused, and what the limits would stop now (SageMaker as AWS_ENDPOINT_URL_SAGEMAKER or AWS points it; stops nothing)",
    positionals: { name: '', min: 0, max: 0 },
    flags: {
      'dry-run': { kind: 'boolean', help: "show, stop nothing (the runaway guard and the deployment's rule enforce the limits)" },
      'pipeline-pattern': { kind: 'string', value: 'PATTERN', help: "the pipelines to look at, e.g. 'training-*' (default *)" },
      'max-runtime': {
        kind: 'duration',
        value: 'DURATION',
        help: "the deployment's maximum runtime (GuardMaxRuntimeSeconds) for pipelines without their own",
        min: 60,
        max: 2_419_200,
      },
      json: OUTPUT.json as FlagSpec,
    },
  },
  simulate: {
    synopsis:
      'graceful-stop simulate [--port N] [--sqs-port N] [--time-scale K] [--with-run RUN]\n' +
      '                       [--stop-watch GRACE] [--orphan-guard PATTERN] [--execution-limit N]\n' +
      '                       [--accounts N --regions LIST] [--metrics] [--verbose]',
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
        help: 'start a run (training, long-drain, lambda, callback) and print its ARN',
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
      accounts: {
        kind: 'integer',
        value: 'N',
        help: 'a local organization: N member accounts with a spoke in each of --regions, this process its hub (with --with-run, one run in every spoke)',
        min: 1,
        max: 10,
      },
      regions: { kind: 'string', value: 'LIST', help: "the local organization's regions, comma-separated (e.g. us-east-1,eu-west-1)" },
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
      '                       [--accounts IDS] [--organizational-unit OU] [--stack-set NAME]\n' +
      '                       [--regions LIST] [--state-machine-arn ARN | --stack-name NAME]',
    summary:
      'gracefully stop every running execution of some pipelines (by name, names or pattern): signal them all, then wait for them together; with --accounts, --organizational-unit or --stack-set, in every account and region of an organization (the hub on AWS)',
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
      accounts: { kind: 'string', value: 'IDS', help: "organization stop (the hub's): these accounts, comma-separated, × --regions" },
      'organizational-unit': {
        kind: 'string',
        value: 'OU',
        help: "organization stop: the unit's active accounts, and those of the units below it, × --regions",
      },
      'stack-set': { kind: 'string', value: 'NAME', help: "organization stop: every instance of the spokes' StackSet" },
      regions: {
        kind: 'string',
        value: 'LIST',
        help: 'organization stop: the regions, comma-separated (with --accounts or --organizational-unit)',
      },
      ...OUTPUT,
      ...AWS_TARGET,
    },
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

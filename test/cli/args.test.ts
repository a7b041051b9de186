/**
 * The CLI's command line (cli/args.ts, cli/argv.ts, cli/help.ts): every command and flag maps to the
 * right Command (for stop and stop-all, the exact state-machine input, checked
 * by the state machine's own parsers), and every command line that cannot run
 * is a UsageError saying what was expected. Arbitrary argv is covered by
 * test/property/hostile-input.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS, DEMO_SCENARIO_NAMES, SEED_RUN_NAMES, UsageError } from '#cli/command-table.js';
import { commandUsage, HELP_COLUMNS, USAGE } from '#cli/help.js';
import { parseCommandLine } from '#cli/args.js';
import { parseDuration } from '#commons/duration.js';
import { DEMO_SCENARIOS } from '#cli/demo/scenarios.js';
import { SEED_RUNS } from '#local/seed-runs.js';

const ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:pipeline/churn-model/execution/k3x9p2m4q7ab';
const OTHER_ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:pipeline/churn-model/execution/zz9y8x7w6v5u';
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:prod-graceful-stop';
/** template.yaml's defaults, as the CLI's local mode checks against them. */
const LOCAL = { defaults: { maxWaitSeconds: 900 } };
const OUTPUT = { json: false, quiet: false, metrics: false, verbose: false };

/** The UsageError parseCommandLine throws for `argv` (fails the test when it throws nothing or something else). */
function usageErrorOf(argv: string[]): UsageError {
  let thrown: unknown;
  try {
    parseCommandLine(argv, LOCAL);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `parseCommandLine(${JSON.stringify(argv)}) should throw`).toBeInstanceOf(UsageError);
  return thrown as UsageError;
}

describe('parseCommandLine: help and version', () => {
  it.each([[['help']], [['--help']], [['-h']]])('maps %j to the overview', (argv) => {
    expect(parseCommandLine(argv)).toEqual({ name: 'help' });
  });

  it.each(
    Object.keys(COMMANDS).flatMap((command) => [
      [command, '--help'],
      [command, '-h'],
    ]),
  )('maps "%s %s" to that command\'s usage, even beside other flags', (command, flag) => {
    // Act
    const parsed = parseCommandLine([command, '--json', flag]);
    // Assess
    expect(parsed).toEqual({ name: 'help', command });
  });

  it.each([[['--version']], [['-V']], [['version']]])('maps %j to the version', (argv) => {
    expect(parseCommandLine(argv)).toEqual({ name: 'version' });
  });

  it('refuses no arguments at all as a usage error (usage on stderr, exit 2)', () => {
    expect(usageErrorOf([]).message).toBe('No command given.');
  });

  it('documents every command, durations, the streams and the exit codes in the overview', () => {
    // Assess
    for (const line of [
      'graceful-stop demo',
      'graceful-stop simulate',
      'graceful-stop stop <pipelineExecutionArn>',
      'graceful-stop stop-all [<pipelineName>...]',
    ])
      expect(USAGE).toContain(line);
    expect(USAGE).toContain('[--state-machine-arn ARN | --stack-name NAME]');
    expect(USAGE.replace(/\s+/g, ' ')).toContain('Durations are seconds (900) or with units (90s, 15m, 2h, 1d, 1h30m).');
    expect(USAGE).toContain('Exit codes: 0 success, 1 named failure, 2 usage error, 130 interrupted.');
  });

  it("fits every line of the overview and of each command's usage in 80 columns", () => {
    // Prepare
    const texts = [USAGE, ...Object.keys(COMMANDS).map((command) => commandUsage(command as keyof typeof COMMANDS))];
    // Act
    const wide = texts.flatMap((text) => text.split('\n')).filter((line) => line.length > HELP_COLUMNS);
    // Assess
    expect(HELP_COLUMNS).toBe(80);
    expect(wide).toEqual([]);
  });

  it('refuses help for a command that does not exist as a usage error', () => {
    expect(usageErrorOf(['help', 'nope']).message).toBe('No help for "nope"; expected one of demo, limits, simulate, stop, stop-all.');
  });

  it('knows exactly the demo scenarios and the simulator runs the commands know', () => {
    expect([...DEMO_SCENARIO_NAMES].sort()).toEqual(Object.keys(DEMO_SCENARIOS).sort());
    expect([...SEED_RUN_NAMES].sort()).toEqual(Object.keys(SEED_RUNS).sort());
    expect(usageErrorOf(['demo', '--scenario', 'nope']).message).toBe(
      '--scenario is "nope"; expected one of callback-and-lambda, silent-consumer, lambda-timeout, already-stopped.',
    );
    expect(usageErrorOf(['simulate', '--with-run', 'nope']).message).toBe(
      '--with-run is "nope"; expected one of training, long-drain, lambda, callback.',
    );
  });

  it.each(Object.keys(COMMANDS))('lists every flag of %s in its own usage', (command) => {
    // Act
    const text = commandUsage(command as keyof typeof COMMANDS);
    // Assess
    for (const flag of Object.keys(COMMANDS[command as keyof typeof COMMANDS].flags)) expect(text).toContain(`--${flag}`);
    expect(text).toContain('-h, --help');
  });
});

describe('parseDuration', () => {
  it.each([
    ['900', 900],
    ['90s', 90],
    ['15m', 900],
    ['2h', 7_200],
    ['24h', 86_400],
    ['1d', 86_400],
    ['1h30m', 5_400],
    [' 60 ', 60],
  ])('reads %j as %i seconds', (raw, seconds) => {
    expect(parseDuration(raw)).toBe(seconds);
  });

  it.each(['', 'abc', '1.5h', '15 m', 'm15', '-5', '1w'])('refuses %j', (raw) => {
    expect(parseDuration(raw)).toBeUndefined();
  });
});

describe('parseCommandLine: stop', () => {
  it('maps a bare ARN to an input with only the ARN, human output and the embedded engine', () => {
    expect(parseCommandLine(['stop', ARN], LOCAL)).toEqual({ name: 'stop', ...OUTPUT, input: { pipelineExecutionArn: ARN } });
  });

  it('maps every flag to the exact state-machine input, durations with units included', () => {
    // Prepare
    const argv = [
      'stop',
      ARN,
      '--max-wait',
      '15m',
      '--release-callbacks-after',
      '90s',
      '--fail-if-not-running',
      '--reason',
      'cost alarm',
      '--json',
      '--quiet',
      '--metrics',
      '--verbose',
    ];
    // Act
    const command = parseCommandLine(argv, LOCAL);
    // Assess
    expect(command).toEqual({
      name: 'stop',
      json: true,
      quiet: true,
      metrics: true,
      verbose: true,
      input: {
        pipelineExecutionArn: ARN,
        maxWaitSeconds: 900,
        releaseCallbacksAfterSeconds: 90,
        failIfNotRunning: true,
        reason: 'cost alarm',
      },
    });
  });

  it('accepts the flags before the ARN, the --flag=value form, and -- before a positional', () => {
    // Act
    const command = parseCommandLine(['stop', '--max-wait=30', '--reason=cost alarm', '--', ARN], LOCAL);
    // Assess
    expect(command).toMatchObject({ input: { pipelineExecutionArn: ARN, maxWaitSeconds: 30, reason: 'cost alarm' } });
  });

  it('targets the deployed state machine with --state-machine-arn or its stack with --stack-name', () => {
    expect(parseCommandLine(['stop', ARN, '--state-machine-arn', MACHINE])).toMatchObject({ stateMachineArn: MACHINE });
    expect(parseCommandLine(['stop', ARN, '--stack-name', 'prod-graceful-stop'])).toMatchObject({ stackName: 'prod-graceful-stop' });
  });

  it('checks a grace period against the deployment defaults only where they are known (local mode)', () => {
    // Act & Assess: locally template.yaml's 900 s applies; on AWS the stack's own default decides.
    expect(usageErrorOf(['stop', ARN, '--release-callbacks-after', '1000']).message).toMatch(
      /^--release-callbacks-after \(1000 s\) is not below --max-wait \(900 s, the deployment's default\); expected a grace period shorter than the deadline: give a --max-wait above it/,
    );
    expect(parseCommandLine(['stop', ARN, '--release-callbacks-after', '1000', '--stack-name', 'prod'], LOCAL)).toMatchObject({
      input: { releaseCallbacksAfterSeconds: 1000 },
    });
  });
});

describe('parseCommandLine: stop-all', () => {
  it('maps a pipeline name to an input with only the name', () => {
    expect(parseCommandLine(['stop-all', 'churn-model'], LOCAL)).toEqual({
      name: 'stop-all',
      ...OUTPUT,
      input: { pipelineName: 'churn-model' },
    });
  });

  it('maps several names to pipelineNames, and a pattern to pipelineNamePattern', () => {
    expect(parseCommandLine(['stop-all', 'a', 'b'], LOCAL)).toMatchObject({ input: { pipelineNames: ['a', 'b'] } });
    expect(parseCommandLine(['stop-all', '--pipeline-pattern', 'training-*', '--older-than', '24h', '--dry-run'], LOCAL)).toMatchObject({
      input: { pipelineNamePattern: 'training-*', olderThanSeconds: 86_400, dryRun: true },
    });
  });

  it('passes every graceful-stop option on, and the AWS target', () => {
    // Prepare
    const argv = [
      'stop-all',
      'churn-model',
      '--older-than',
      '3600',
      '--signal-rate',
      '5',
      '--reason',
      'release',
      '--max-wait',
      '20m',
      '--release-callbacks-after',
      '5m',
      '--json',
      '--stack-name',
      'prod-stop-all',
    ];
    // Act
    const command = parseCommandLine(argv, LOCAL);
    // Assess
    expect(command).toEqual({
      name: 'stop-all',
      ...OUTPUT,
      json: true,
      stackName: 'prod-stop-all',
      input: {
        pipelineName: 'churn-model',
        olderThanSeconds: 3600,
        signalRatePerSecond: 5,
        reason: 'release',
        maxWaitSeconds: 1200,
        releaseCallbacksAfterSeconds: 300,
      },
    });
  });
});

describe('parseCommandLine: simulate and demo', () => {
  it('defaults to ephemeral ports and real time, and takes a run to seed', () => {
    expect(parseCommandLine(['simulate'])).toEqual({ name: 'simulate', port: 0, sqsPort: 0, timeScale: 1, metrics: false, verbose: false });
    expect(
      parseCommandLine([
        'simulate',
        '--port',
        '8080',
        '--sqs-port',
        '9324',
        '--time-scale',
        '12.5',
        '--with-run',
        'training',
        '--execution-limit',
        '500',
        '--metrics',
        '--verbose',
      ]),
    ).toEqual({
      name: 'simulate',
      metrics: true,
      verbose: true,
      port: 8080,
      sqsPort: 9324,
      timeScale: 12.5,
      withRun: 'training',
      executionLimit: 500,
    });
  });

  it('turns on the stop watch with its grace and the orphan guard with its state machine pattern', () => {
    expect(parseCommandLine(['simulate', '--stop-watch', '5m', '--orphan-guard', 'training-*'])).toEqual({
      name: 'simulate',
      metrics: false,
      verbose: false,
      port: 0,
      sqsPort: 0,
      timeScale: 1,
      stopWatchGraceSeconds: 300,
      orphanGuard: 'training-*',
    });
    expect(usageErrorOf(['simulate', '--orphan-guard', 'a b']).message).toMatch(
      /^--orphan-guard "a b" is not a state machine name pattern; expected 1-80 letters/,
    );
  });

  it('runs the default scenario, or the one given, with --json and --quiet', () => {
    expect(parseCommandLine(['demo'])).toEqual({ name: 'demo', ...OUTPUT });
    expect(parseCommandLine(['demo', '--scenario', 'silent-consumer', '--json', '--quiet'])).toEqual({
      name: 'demo',
      ...OUTPUT,
      json: true,
      quiet: true,
      scenario: 'silent-consumer',
    });
  });
});

describe('parseCommandLine: usage errors', () => {
  it.each<[string, string[], RegExp]>([
    ['a stop without an ARN', ['stop'], /^Expected exactly one pipelineExecutionArn, got none\.$/],
    ['a stop with two ARNs', ['stop', ARN, OTHER_ARN], /^Expected exactly one pipelineExecutionArn, got 2\.$/],
    [
      'an ARN with whitespace around it',
      ['stop', ` ${ARN}\n`],
      /^<pipelineExecutionArn> has leading or trailing whitespace; expected the ARN alone/,
    ],
    ['a malformed ARN', ['stop', 'not-an-arn'], /^<pipelineExecutionArn> "not-an-arn" is not an ARN; expected arn:aws:sagemaker:/],
    ['an upper-case ARN', ['stop', ARN.toUpperCase()], /is not an ARN \(ARNs are case-sensitive: it must begin with lower-case "arn:"/],
    ['--max-wait 0', ['stop', ARN, '--max-wait', '0'], /^--max-wait is "0"; expected a duration from 1 s to 86400 s\.$/],
    ['--max-wait -5', ['stop', ARN, '--max-wait', '-5'], /^--max-wait is "-5"; expected a positive duration such as 900, 15m or 2h\.$/],
    [
      '--max-wait abc',
      ['stop', ARN, '--max-wait', 'abc'],
      /^--max-wait is "abc"; expected a duration: seconds \(900\) or with a unit \(90s, 15m, 2h, 1d\)\.$/,
    ],
    ['--max-wait 1.5', ['stop', ARN, '--max-wait', '1.5'], /^--max-wait is "1\.5"; expected a duration/],
    ['--max-wait above the limit', ['stop', ARN, '--max-wait', '2d'], /^--max-wait is "2d"; expected a duration from 1 s to 86400 s\.$/],
    [
      'a negative --release-callbacks-after',
      ['stop', ARN, '--release-callbacks-after=-1'],
      /^--release-callbacks-after is "-1"; expected a duration of 0 or more/,
    ],
    [
      '--release-callbacks-after equal to --max-wait',
      ['stop', ARN, '--max-wait', '60', '--release-callbacks-after', '60'],
      /^--release-callbacks-after \(60 s\) is not below --max-wait \(60 s\); expected a grace period shorter than the deadline, or no --release-callbacks-after\.$/,
    ],
    ['an empty --reason', ['stop', ARN, '--reason', ''], /^--reason is ""; expected a non-empty string of at most 256 characters\.$/],
    [
      'an over-long --reason',
      ['stop', ARN, '--reason', 'x'.repeat(257)],
      /^--reason is a 257-character string; expected a non-empty string of at most 256 characters\.$/,
    ],
    ['an unknown flag', ['stop', ARN, '--force'], /^Unknown option '--force' for stop; expected one of --max-wait, .*, --help\.$/],
    ['a repeated flag', ['stop', ARN, '--max-wait', '60', '--max-wait', '90'], /^--max-wait is given more than once; give it once\.$/],
    ['--max-wait without a value', ['stop', ARN, '--max-wait'], /^--max-wait needs a value \(DURATION\)\.$/],
    ['a flag where a value belongs', ['stop', ARN, '--max-wait', '--json'], /^--max-wait needs a value \(DURATION\)\.$/],
    ['a value for a boolean flag', ['stop', ARN, '--json=yes'], /^--json takes no value; got "yes"\.$/],
    [
      'both AWS targets',
      ['stop', ARN, '--state-machine-arn', MACHINE, '--stack-name', 'prod'],
      /^Give either --state-machine-arn or --stack-name, not both\.$/,
    ],
    [
      'an activity ARN as the state machine',
      ['stop', ARN, '--state-machine-arn', 'arn:aws:states:eu-west-1:123456789012:activity:prod'],
      /is not a state machine ARN/,
    ],
    ['a stop-all without any pipeline', ['stop-all'], /^Expected a pipelineName \(or several\), or --pipeline-pattern PATTERN\.$/],
    ['names and a pattern', ['stop-all', 'a', '--pipeline-pattern', 'b*'], /^Give pipeline names or --pipeline-pattern, not both\.$/],
    [
      'a bad pipeline name',
      ['stop-all', 'not a name'],
      /^<pipelineName> is "not a name"; expected a pipeline name of 1-256 letters, digits and hyphens\.$/,
    ],
    ['--signal-rate 0', ['stop-all', 'churn-model', '--signal-rate', '0'], /^--signal-rate is "0"; expected an integer from 1 to 50\.$/],
    [
      '--max-concurrency',
      ['stop-all', 'churn-model', '--max-concurrency', '5'],
      /^Unknown option '--max-concurrency' for stop-all; expected one of .*--signal-rate/,
    ],
    ['--time-scale fast', ['simulate', '--time-scale', 'fast'], /^--time-scale is "fast"; expected a number from 1 to 10000\.$/],
    ['--port 70000', ['simulate', '--port', '70000'], /^--port is "70000"; expected an integer from 0 to 65535\.$/],
    ['--execution-limit 0', ['simulate', '--execution-limit', '0'], /^--execution-limit is "0"; expected an integer from 1 to 100000\.$/],
    ['a positional for demo', ['demo', 'extra'], /^demo takes no positional arguments; got "extra"\.$/],
    [
      'an unknown command',
      ['launch'],
      /^Unknown command "launch"; expected demo, limits, simulate, stop, stop-all, --help or --version\.$/,
    ],
    ['an object property as a command', ['toString'], /^Unknown command "toString";/],
    ['an object property as a flag', ['stop', ARN, '--constructor'], /^Unknown option '--constructor' for stop;/],
  ])('rejects %s with a UsageError saying what was expected', (_label, argv, message) => {
    expect(usageErrorOf(argv).message).toMatch(message);
  });

  it('gives the same exit code (a usage error) for a mistake whether or not another flag is given', () => {
    // Act
    const alone = usageErrorOf(['stop', ARN, '--release-callbacks-after', '1000']);
    const withOther = usageErrorOf(['stop', ARN, '--release-callbacks-after', '1000', '--reason', 'x']);
    // Assess
    expect(withOther.message).toBe(alone.message);
  });

  it('names the command whose usage to show', () => {
    expect(usageErrorOf(['stop', ARN, '--force']).command).toBe('stop');
    expect(usageErrorOf(['launch']).command).toBeUndefined();
  });

  it('keeps the message of an unknown flag bounded, with balanced quotes, however long the flag is', () => {
    // Act
    const error = usageErrorOf(['stop', ARN, `--${'x'.repeat(10_000)}`]);
    // Assess
    expect(error.message.length).toBeLessThan(500);
    expect(error.message).toMatch(/^Unknown option '--x+…' for stop;/);
    expect(error.message.split("'").length % 2).toBe(1);
  });
});

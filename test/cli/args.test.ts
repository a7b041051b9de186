/**
 * The CLI's command line (cli/args.ts): every command and flag maps to
 * the right Command (for `stop`, the exact state-machine input), and every
 * command line that cannot run is a UsageError saying what was expected.
 * Arbitrary argv is covered by test/property/hostile-input.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseCommandLine, USAGE, UsageError } from '../../cli/args.js';

const ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:pipeline/churn-model/execution/k3x9p2m4q7ab';
const OTHER_ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:pipeline/churn-model/execution/zz9y8x7w6v5u';
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:prod-graceful-stop';

/** The UsageError parseCommandLine throws for `argv` (fails the test when it throws nothing or something else). */
function usageErrorOf(argv: string[]): UsageError {
  let thrown: unknown;
  try {
    parseCommandLine(argv);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `parseCommandLine(${JSON.stringify(argv)}) should throw`).toBeInstanceOf(UsageError);
  return thrown as UsageError;
}

describe('parseCommandLine: help', () => {
  it.each([[[]], [['help']], [['--help']], [['-h']]])('maps %j to the help command', (argv) => {
    // Prepare: argv as given
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({ name: 'help' });
  });

  it('documents every command, the exit codes and the AWS target flags in the usage text', () => {
    // Prepare
    const expected = ['graceful-stop demo', 'graceful-stop simulate', 'graceful-stop stop <pipelineExecutionArn>', 'graceful-stop stop-all <pipelineName>'];
    // Act
    const text = USAGE;
    // Assess
    for (const line of expected) expect(text).toContain(line);
    expect(text).toContain('--state-machine-arn ARN | --stack-name NAME');
    expect(text).toContain('Exit codes: 0 success, 1 named failure, 2 usage error.');
  });
});

describe('parseCommandLine: stop', () => {
  it('maps a bare ARN to an input with only the ARN, human output and the embedded engine', () => {
    // Prepare
    const argv = ['stop', ARN];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({ name: 'stop', json: false, input: { pipelineExecutionArn: ARN } });
  });

  it('maps every flag to the exact state-machine input', () => {
    // Prepare
    const argv = [
      'stop',
      ARN,
      '--max-wait',
      '600',
      '--release-callbacks-after',
      '120',
      '--fail-if-not-running',
      '--reason',
      'release 2026.11 supersedes this run',
      '--json',
    ];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({
      name: 'stop',
      json: true,
      input: {
        pipelineExecutionArn: ARN,
        reason: 'release 2026.11 supersedes this run',
        maxWaitSeconds: 600,
        releaseCallbacksAfterSeconds: 120,
        failIfNotRunning: true,
      },
    });
  });

  it('accepts the flags before the ARN and in the --flag=value form', () => {
    // Prepare
    const argv = ['stop', '--max-wait=30', '--reason=cost alarm', ARN];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({ name: 'stop', json: false, input: { pipelineExecutionArn: ARN, reason: 'cost alarm', maxWaitSeconds: 30 } });
  });

  it('sets failIfNotRunning only when --fail-if-not-running is given', () => {
    // Prepare
    const withFlag = ['stop', ARN, '--fail-if-not-running'];
    const withoutFlag = ['stop', ARN];
    // Act
    const flagged = parseCommandLine(withFlag);
    const plain = parseCommandLine(withoutFlag);
    // Assess
    expect(flagged).toMatchObject({ name: 'stop', input: { pipelineExecutionArn: ARN, failIfNotRunning: true } });
    expect(plain).toMatchObject({ name: 'stop' });
    expect((plain as Extract<typeof plain, { name: 'stop' }>).input).not.toHaveProperty('failIfNotRunning');
  });

  it('turns on JSON output with --json and leaves the input unchanged', () => {
    // Prepare
    const argv = ['stop', ARN, '--json'];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({ name: 'stop', json: true, input: { pipelineExecutionArn: ARN } });
  });

  it('accepts a zero grace period below the deadline', () => {
    // Prepare
    const argv = ['stop', ARN, '--max-wait', '1', '--release-callbacks-after', '0'];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toMatchObject({ input: { maxWaitSeconds: 1, releaseCallbacksAfterSeconds: 0 } });
  });

  it('targets the deployed state machine with --state-machine-arn', () => {
    // Prepare
    const argv = ['stop', ARN, '--state-machine-arn', MACHINE];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({ name: 'stop', json: false, stateMachineArn: MACHINE, input: { pipelineExecutionArn: ARN } });
  });

  it('targets the stack of the deployed state machine with --stack-name', () => {
    // Prepare
    const argv = ['stop', ARN, '--stack-name', 'prod-graceful-stop', '--json'];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({ name: 'stop', json: true, stackName: 'prod-graceful-stop', input: { pipelineExecutionArn: ARN } });
    expect(command).not.toHaveProperty('stateMachineArn');
  });
});

describe('parseCommandLine: stop-all', () => {
  it('maps a pipeline name to an input with only the name', () => {
    // Prepare
    const argv = ['stop-all', 'churn-model'];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({ name: 'stop-all', json: false, input: { pipelineName: 'churn-model' } });
  });

  it('maps --older-than, --max-concurrency, --json and --stack-name', () => {
    // Prepare
    const argv = ['stop-all', 'churn-model', '--older-than', '3600', '--max-concurrency', '5', '--json', '--stack-name', 'prod-stop-all'];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({
      name: 'stop-all',
      json: true,
      stackName: 'prod-stop-all',
      input: { pipelineName: 'churn-model', olderThanSeconds: 3600, maxConcurrency: 5 },
    });
  });

  it('targets the deployed state machine with --state-machine-arn', () => {
    // Prepare
    const argv = ['stop-all', 'churn-model', '--state-machine-arn', MACHINE, '--older-than', '0'];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({
      name: 'stop-all',
      json: false,
      stateMachineArn: MACHINE,
      input: { pipelineName: 'churn-model', olderThanSeconds: 0 },
    });
  });
});

describe('parseCommandLine: simulate', () => {
  it('defaults to ephemeral ports and real time', () => {
    // Prepare
    const argv = ['simulate'];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({ name: 'simulate', port: 0, sqsPort: 0, timeScale: 1 });
  });

  it('maps --port, --sqs-port and a fractional --time-scale', () => {
    // Prepare
    const argv = ['simulate', '--port', '8080', '--sqs-port', '9324', '--time-scale', '12.5'];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({ name: 'simulate', port: 8080, sqsPort: 9324, timeScale: 12.5 });
  });
});

describe('parseCommandLine: demo', () => {
  it('runs the default scenario with human output when no flag is given', () => {
    // Prepare
    const argv = ['demo'];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({ name: 'demo', json: false });
  });

  it('passes --scenario through and turns on --json', () => {
    // Prepare
    const argv = ['demo', '--scenario', 'silent-consumer', '--json'];
    // Act
    const command = parseCommandLine(argv);
    // Assess
    expect(command).toEqual({ name: 'demo', scenario: 'silent-consumer', json: true });
  });
});

describe('parseCommandLine: usage errors', () => {
  it.each<[string, string[], RegExp]>([
    ['a stop without an ARN', ['stop'], /^Expected exactly one pipeline execution ARN, got none\.$/],
    ['a stop with two ARNs', ['stop', ARN, OTHER_ARN], /^Expected exactly one pipeline execution ARN, got 2\.$/],
    ['a stop of something that is not an ARN', ['stop', 'not-an-arn'], /is not an ARN; expected arn:aws:sagemaker:<region>:<account>:pipeline\/<name>\/execution\/<id>/],
    [
      'a stop of an ARN of another service',
      ['stop', 'arn:aws:s3:::my-bucket/key'],
      /service "s3", not sagemaker; expected arn:aws:sagemaker:/,
    ],
    ['--max-wait 0', ['stop', ARN, '--max-wait', '0'], /^--max-wait is "0"; expected an integer from 1 to 86400\.$/],
    ['--max-wait abc', ['stop', ARN, '--max-wait', 'abc'], /^--max-wait is "abc"; expected an integer from 1 to 86400\.$/],
    ['--max-wait 1.5', ['stop', ARN, '--max-wait', '1.5'], /^--max-wait is "1\.5"; expected an integer from 1 to 86400\.$/],
    ['--max-wait above the limit', ['stop', ARN, '--max-wait', '86401'], /^--max-wait is "86401"; expected an integer from 1 to 86400\.$/],
    ['a negative --release-callbacks-after', ['stop', ARN, '--release-callbacks-after=-1'], /^--release-callbacks-after is "-1"; expected an integer from 0 to 86400\.$/],
    [
      '--release-callbacks-after equal to --max-wait',
      ['stop', ARN, '--max-wait', '60', '--release-callbacks-after', '60'],
      /^--release-callbacks-after \(60\) is not below --max-wait \(60\); expected a grace period shorter than the deadline\.$/,
    ],
    [
      '--release-callbacks-after above --max-wait',
      ['stop', ARN, '--max-wait', '60', '--release-callbacks-after', '90'],
      /^--release-callbacks-after \(90\) is not below --max-wait \(60\); expected a grace period shorter than the deadline\.$/,
    ],
    ['an empty --reason', ['stop', ARN, '--reason', ''], /^--reason must be 1 to 256 characters; got 0\.$/],
    ['a blank --reason', ['stop', ARN, '--reason', '   '], /^--reason must be 1 to 256 characters; got 3\.$/],
    ['an over-long --reason', ['stop', ARN, '--reason', 'x'.repeat(257)], /^--reason must be 1 to 256 characters; got 257\.$/],
    ['an unknown flag', ['stop', ARN, '--force'], /Unknown option '--force'/],
    ['--max-wait without a value', ['stop', ARN, '--max-wait'], /Option '--max-wait <value>' argument missing/],
    [
      'both --state-machine-arn and --stack-name',
      ['stop', ARN, '--state-machine-arn', MACHINE, '--stack-name', 'prod'],
      /^Give either --state-machine-arn or --stack-name, not both\.$/,
    ],
    [
      'a malformed state machine ARN',
      ['stop', ARN, '--state-machine-arn', 'arn:aws:states:eu-west-1:123456789012:activity:prod'],
      /is not a state machine ARN; expected arn:aws:states:<region>:<account>:stateMachine:<name>\.$/,
    ],
    ['a malformed stack name', ['stop', ARN, '--stack-name', '1-starts-with-a-digit'], /^--stack-name "1-starts-with-a-digit" is not a CloudFormation stack name\.$/],
    ['a stop-all without a pipeline name', ['stop-all'], /^Expected exactly one pipeline name, got none\.$/],
    [
      'a bad pipeline name',
      ['stop-all', 'churn_model!'],
      /^"churn_model!" is not a pipeline name; expected 1-256 letters, digits and hyphens\.$/,
    ],
    ['--max-concurrency 0', ['stop-all', 'churn-model', '--max-concurrency', '0'], /^--max-concurrency is "0"; expected an integer from 1 to 40\.$/],
    ['--time-scale 0', ['simulate', '--time-scale', '0'], /^--time-scale is "0"; expected a number from 1 to 10000\.$/],
    ['--time-scale fast', ['simulate', '--time-scale', 'fast'], /^--time-scale is "fast"; expected a number from 1 to 10000\.$/],
    ['--port 70000', ['simulate', '--port', '70000'], /^--port is "70000"; expected an integer from 0 to 65535\.$/],
    ['a positional argument to simulate', ['simulate', '8080'], /^simulate takes no positional arguments; got "8080"\.$/],
    ['a positional argument to demo', ['demo', 'silent-consumer'], /^demo takes no positional arguments; got "silent-consumer"\.$/],
    ['an unknown command', ['start', ARN], /^Unknown command "start"; expected demo, simulate, stop or stop-all\.$/],
  ])('rejects %s with a UsageError saying what was expected', (_what, argv, message) => {
    // Prepare: argv as given
    // Act
    const error = usageErrorOf(argv);
    // Assess
    expect(error.name).toBe('UsageError');
    expect(error.message).toMatch(message);
  });

  it('keeps the message of an unknown flag bounded however long the flag is', () => {
    // Prepare
    const argv = ['stop', ARN, `--${'x'.repeat(5_000)}`];
    // Act
    const error = usageErrorOf(argv);
    // Assess
    expect(error.name).toBe('UsageError');
    expect(error.message).toMatch(/^Unknown option '--x+/);
    expect(error.message.length).toBeLessThanOrEqual(300);
  });
});

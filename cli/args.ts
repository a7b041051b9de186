import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parsePipelineExecutionArn, MAX_REASON_LENGTH, MAX_WAIT_SECONDS_LIMIT } from '../functions/commons/validation.js';
import { NamedError } from '../functions/commons/errors.js';

/** A command line that cannot run: exit code 2 with a message saying what was expected. */
export class UsageError extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('UsageError', message, cause);
  }
}

export const USAGE = `Usage:
  graceful-stop demo [--scenario NAME] [--json]
  graceful-stop simulate [--port N] [--sqs-port N] [--time-scale K]
  graceful-stop stop <pipelineExecutionArn> [--max-wait S] [--release-callbacks-after S]
                     [--fail-if-not-running] [--reason TEXT] [--json]
                     [--state-machine-arn ARN | --stack-name NAME]
  graceful-stop stop-all <pipelineName> [--older-than S] [--max-concurrency N] [--json]
                     [--state-machine-arn ARN | --stack-name NAME]

Without --state-machine-arn/--stack-name, the state machine runs on the embedded engine in this
process against the SageMaker endpoint of the environment (AWS by default; the simulator when
AWS_ENDPOINT_URL_SAGEMAKER points at it). With them, the deployed state machine runs on AWS Step
Functions (--stack-name reads its ARN from the stack outputs) and the CLI follows it to the end.
stop-all exits 1 when any of its graceful stops failed.
Exit codes: 0 success, 1 named failure, 2 usage error.`;

export type Command =
  | { name: 'help' }
  | { name: 'demo'; scenario?: string; json: boolean }
  | { name: 'simulate'; port: number; sqsPort: number; timeScale: number }
  | { name: 'stop'; input: Record<string, unknown>; json: boolean; stateMachineArn?: string; stackName?: string }
  | {
      name: 'stop-all';
      input: Record<string, unknown>;
      json: boolean;
      stateMachineArn?: string;
      stackName?: string;
    };

function integerFlag(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} is "${raw.slice(0, 40)}"; expected an integer from ${min} to ${max}.`);
  }
  return value;
}

function numberFlag(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${flag} is "${raw.slice(0, 40)}"; expected a number from ${min} to ${max}.`);
  }
  return value;
}

/** A usage message never grows with the argv (parseArgs quotes unknown options in full, twice). */
const MAX_USAGE_MESSAGE_LENGTH = 300;
const bounded = (text: string): string => (text.length > MAX_USAGE_MESSAGE_LENGTH ? `${text.slice(0, MAX_USAGE_MESSAGE_LENGTH - 1)}…` : text);

function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(bounded((error as Error).message.split('\n')[0] || 'Invalid arguments.'));
  }
}

const awsTarget = {
  'state-machine-arn': { type: 'string' },
  'stack-name': { type: 'string' },
} as const;

function target(values: Record<string, unknown>): { stateMachineArn?: string; stackName?: string } {
  const stateMachineArn = values['state-machine-arn'] as string | undefined;
  const stackName = values['stack-name'] as string | undefined;
  if (stateMachineArn !== undefined && stackName !== undefined) {
    throw new UsageError('Give either --state-machine-arn or --stack-name, not both.');
  }
  if (stateMachineArn !== undefined && !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/.test(stateMachineArn)) {
    throw new UsageError(`--state-machine-arn "${stateMachineArn.slice(0, 120)}" is not a state machine ARN; expected arn:aws:states:<region>:<account>:stateMachine:<name>.`);
  }
  if (stackName !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new UsageError(`--stack-name "${stackName.slice(0, 120)}" is not a CloudFormation stack name.`);
  }
  return { ...(stateMachineArn ? { stateMachineArn } : {}), ...(stackName ? { stackName } : {}) };
}

function exactlyOnePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(`Expected exactly one ${what}, got ${positionals.length === 0 ? 'none' : positionals.length}.`);
  }
  return positionals[0] as string;
}

/** Parses argv (without node and the script) into a command; throws UsageError. */
export function parseCommandLine(argv: string[]): Command {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return { name: 'help' };
  switch (name) {
    case 'demo': {
      const { values, positionals } = parse(rest, { scenario: { type: 'string' }, json: { type: 'boolean' } });
      if (positionals.length > 0) throw new UsageError(`demo takes no positional arguments; got "${positionals[0]?.slice(0, 60)}".`);
      return { name: 'demo', json: values.json === true, ...(values.scenario !== undefined ? { scenario: values.scenario as string } : {}) };
    }
    case 'simulate': {
      const { values, positionals } = parse(rest, {
        port: { type: 'string' },
        'sqs-port': { type: 'string' },
        'time-scale': { type: 'string' },
      });
      if (positionals.length > 0) throw new UsageError(`simulate takes no positional arguments; got "${positionals[0]?.slice(0, 60)}".`);
      return {
        name: 'simulate',
        port: integerFlag('port', values.port as string | undefined, 0, 65535) ?? 0,
        sqsPort: integerFlag('sqs-port', values['sqs-port'] as string | undefined, 0, 65535) ?? 0,
        timeScale: numberFlag('time-scale', values['time-scale'] as string | undefined, 1, 10_000) ?? 1,
      };
    }
    case 'stop': {
      const { values, positionals } = parse(rest, {
        'max-wait': { type: 'string' },
        'release-callbacks-after': { type: 'string' },
        'fail-if-not-running': { type: 'boolean' },
        reason: { type: 'string' },
        json: { type: 'boolean' },
        ...awsTarget,
      });
      const arn = exactlyOnePositional(positionals, 'pipeline execution ARN');
      try {
        parsePipelineExecutionArn(arn, 'The pipeline execution ARN');
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const reason = values.reason as string | undefined;
      if (reason !== undefined && (reason.trim() === '' || reason.length > MAX_REASON_LENGTH)) {
        throw new UsageError(`--reason must be 1 to ${MAX_REASON_LENGTH} characters; got ${reason.length}.`);
      }
      const maxWaitSeconds = integerFlag('max-wait', values['max-wait'] as string | undefined, 1, MAX_WAIT_SECONDS_LIMIT);
      const releaseCallbacksAfterSeconds = integerFlag(
        'release-callbacks-after',
        values['release-callbacks-after'] as string | undefined,
        0,
        MAX_WAIT_SECONDS_LIMIT,
      );
      if (maxWaitSeconds !== undefined && releaseCallbacksAfterSeconds !== undefined && releaseCallbacksAfterSeconds >= maxWaitSeconds) {
        throw new UsageError(
          `--release-callbacks-after (${releaseCallbacksAfterSeconds}) is not below --max-wait (${maxWaitSeconds}); expected a grace period shorter than the deadline.`,
        );
      }
      return {
        name: 'stop',
        json: values.json === true,
        ...target(values),
        input: {
          pipelineExecutionArn: arn,
          ...(reason !== undefined ? { reason } : {}),
          ...(maxWaitSeconds !== undefined ? { maxWaitSeconds } : {}),
          ...(releaseCallbacksAfterSeconds !== undefined ? { releaseCallbacksAfterSeconds } : {}),
          ...(values['fail-if-not-running'] === true ? { failIfNotRunning: true } : {}),
        },
      };
    }
    case 'stop-all': {
      const { values, positionals } = parse(rest, {
        'older-than': { type: 'string' },
        'max-concurrency': { type: 'string' },
        json: { type: 'boolean' },
        ...awsTarget,
      });
      const pipelineName = exactlyOnePositional(positionals, 'pipeline name');
      if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/.test(pipelineName)) {
        throw new UsageError(`"${pipelineName.slice(0, 60)}" is not a pipeline name; expected 1-256 letters, digits and hyphens.`);
      }
      const olderThanSeconds = integerFlag('older-than', values['older-than'] as string | undefined, 0, 31_536_000);
      const maxConcurrency = integerFlag('max-concurrency', values['max-concurrency'] as string | undefined, 1, 40);
      return {
        name: 'stop-all',
        json: values.json === true,
        ...target(values),
        input: {
          pipelineName,
          ...(olderThanSeconds !== undefined ? { olderThanSeconds } : {}),
          ...(maxConcurrency !== undefined ? { maxConcurrency } : {}),
        },
      };
    }
    default:
      throw new UsageError(`Unknown command "${name.slice(0, 40)}"; expected demo, simulate, stop or stop-all.`);
  }
}

import { resolveDeadlineAndGrace, type RequestDefaults } from '#commons/settings.js';
import { InvalidInput } from '#commons/errors.js';
import {
  MAX_WAIT_SECONDS_LIMIT,
  describeValue,
  isPlainObject,
  readBoolean,
  readInteger,
  readReason,
  rejectUnknownKeys,
} from '#commons/validation.js';
import { parsePipelineExecutionArn } from '#pipeline-runs/execution-arn.js';
import type { StopRequest } from './model.js';

const ALLOWED_KEYS = [
  'pipelineExecutionArn',
  'reason',
  'maxWaitSeconds',
  'failIfNotRunning',
  'releaseCallbacksAfterSeconds',
  'drainOnly',
  'stopLeftoverJobs',
] as const;
/**
 * Step Functions links a nested execution to its parent through this input
 * field (`states:startExecution.sync:2` with `$$.Execution.Id`); the child
 * receives it in its input. It is accepted and ignored.
 */
export const STARTED_BY_EXECUTION_ID_KEY = 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID';

export { readRequestDefaults, type RequestDefaults } from '#commons/settings.js';

/** Accepts the input contract itself or an EventBridge envelope carrying it in `detail`. */
export function unwrapEnvelope(raw: unknown): unknown {
  if (isPlainObject(raw) && 'detail' in raw && ('detail-type' in raw || 'source' in raw)) return raw.detail;
  return raw;
}

/**
 * Validates and normalises the graceful-stop input. Throws InvalidInput with
 * one sentence saying what is wrong and what was expected.
 */
export function parseStopRequest(raw: unknown, defaults: RequestDefaults): StopRequest {
  const body = unwrapEnvelope(raw);
  if (!isPlainObject(body)) {
    throw new InvalidInput(`The input is ${describeValue(body)}; expected a JSON object with pipelineExecutionArn.`);
  }
  rejectUnknownKeys(body, ALLOWED_KEYS, [STARTED_BY_EXECUTION_ID_KEY]);
  if (body.pipelineExecutionArn === undefined) {
    throw new InvalidInput('The input has no pipelineExecutionArn; expected the ARN of the pipeline execution to stop.');
  }
  const arn = parsePipelineExecutionArn(body.pipelineExecutionArn);

  const reason = readReason(body.reason);

  const failIfNotRunning = readBoolean(body, 'failIfNotRunning', false);
  const drainOnly = readBoolean(body, 'drainOnly', false);
  const stopLeftoverJobs = readBoolean(body, 'stopLeftoverJobs', true);

  const { maxWaitSeconds, releaseCallbacksAfterSeconds } = resolveDeadlineAndGrace(
    {
      maxWaitSeconds: readInteger(body, 'maxWaitSeconds', 1, MAX_WAIT_SECONDS_LIMIT, 'seconds'),
      releaseCallbacksAfterSeconds: readInteger(body, 'releaseCallbacksAfterSeconds', 0, MAX_WAIT_SECONDS_LIMIT, 'seconds'),
    },
    defaults,
  );

  return {
    pipelineExecutionArn: body.pipelineExecutionArn as string,
    pipelineName: arn.pipelineName,
    ...(reason === undefined ? {} : { reason }),
    maxWaitSeconds,
    failIfNotRunning,
    ...(drainOnly ? { drainOnly } : {}),
    ...(stopLeftoverJobs ? {} : { stopLeftoverJobs: false as const }),
    ...(releaseCallbacksAfterSeconds === undefined ? {} : { releaseCallbacksAfterSeconds }),
  };
}

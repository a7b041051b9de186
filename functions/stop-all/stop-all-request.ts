import { InvalidInput } from '#commons/errors.js';
import { matchesGlob } from '#commons/glob.js';
import { SETTING_BOUNDS } from '#commons/settings.js';
import {
  MAX_WAIT_SECONDS_LIMIT,
  describeValue,
  isPlainObject,
  readBoolean,
  readInteger,
  readReason,
  rejectUnknownKeys,
} from '#commons/validation.js';
import { PIPELINE_NAME } from '#pipeline-runs/execution-arn.js';

/**
 * The stop-all input contract: which pipelines (one name, a list of names or
 * a name pattern), which of their runs (older than), how fast to signal them
 * (signals a second, the pace of every SageMaker call), whether to stop at all
 * (dry run), and what every run's stop gets (reason, deadline, grace, leftovers).
 */
export interface StopAllRequest {
  /** Exactly one of the three selections is set. */
  pipelineName?: string;
  pipelineNames?: string[];
  pipelineNamePattern?: string;
  /** Only runs started at least this long ago (0 = every running execution). */
  olderThanSeconds: number;
  /** StopPipelineExecution calls a second while signalling (and the pace of every other SageMaker operation). */
  signalRatePerSecond: number;
  /** List what would be stopped; stop nothing. */
  dryRun: boolean;
  /** Every run's stop: its reason, its deadline and grace (from its signal), the deployment's defaults filled in by the listing. */
  reason?: string;
  maxWaitSeconds?: number;
  releaseCallbacksAfterSeconds?: number;
  /** False: a job still running behind a run that ended Failed is reported, not stopped (absent: true). */
  stopLeftoverJobs?: false;
  /**
   * The runaway guard's: each pipeline's tags give its own policy - its graceful-stop:max-runtime in
   * place of olderThanSeconds, its graceful-stop:grace, graceful-stop:exempt=true leaves it alone.
   */
  pipelineTags?: true;
}

/** The deployment's default pace (template parameter SignalRatePerSecond) and its bounds. */
export { matchesGlob } from '#commons/glob.js';

export const DEFAULT_SIGNAL_RATE_PER_SECOND = 10;
export const SIGNAL_RATE_LIMIT = SETTING_BOUNDS.DEFAULT_SIGNAL_RATE_PER_SECOND;
export const MAX_OLDER_THAN_SECONDS = 31_536_000;
/** Pipelines one request may name. */
export const MAX_PIPELINE_NAMES = 100;
/** A name pattern: the characters of a pipeline name, and `*` for any run of them. */
const PIPELINE_NAME_PATTERN = /^[a-zA-Z0-9*-]{1,256}$/;
const ALLOWED_KEYS = [
  'pipelineName',
  'pipelineNames',
  'pipelineNamePattern',
  'olderThanSeconds',
  'signalRatePerSecond',
  'dryRun',
  'reason',
  'maxWaitSeconds',
  'releaseCallbacksAfterSeconds',
  'stopLeftoverJobs',
  'pipelineTags',
] as const;

/** Whether every name `pattern` matches is also matched by `scope` (both globs with `*`). */
export function patternWithinScope(pattern: string, scope: string): boolean {
  // The scope's `*` may stand for any text, the pattern's `*` included; its literal characters never match a `*`.
  return matchesGlob(scope, pattern);
}

function readName(value: unknown, field: string): string {
  if (typeof value === 'string' && value.startsWith('arn:')) {
    throw new InvalidInput(`${field} is an ARN; expected the pipeline's name (what follows "pipeline/" in its ARN).`);
  }
  if (typeof value !== 'string' || !PIPELINE_NAME.test(value)) {
    throw new InvalidInput(`${field} is ${describeValue(value)}; expected a pipeline name of 1-256 letters, digits and hyphens.`);
  }
  return value;
}

/**
 * Validates and normalises the stop-all input. `scope` is the deployment's
 * PipelineNamePattern: a selection reaching beyond it is rejected here,
 * before anything is listed or stopped. Throws InvalidInput with one sentence.
 */
export function parseStopAllRequest(raw: unknown, scope = '*', defaultSignalRate = DEFAULT_SIGNAL_RATE_PER_SECOND): StopAllRequest {
  if (isPlainObject(raw) && raw.maxConcurrency !== undefined) {
    throw new InvalidInput(
      'maxConcurrency is not a stop-all field: stop-all signals every run first and waits for all of them in one sweep; expected signalRatePerSecond (StopPipelineExecution calls a second) to set its pace.',
    );
  }
  if (!isPlainObject(raw)) {
    throw new InvalidInput(
      `The input is ${describeValue(raw)}; expected a JSON object with pipelineName, pipelineNames or pipelineNamePattern.`,
    );
  }
  rejectUnknownKeys(raw, ALLOWED_KEYS);
  const given = (['pipelineName', 'pipelineNames', 'pipelineNamePattern'] as const).filter(
    (key) => raw[key] !== undefined && raw[key] !== null,
  );
  if (given.length !== 1) {
    throw new InvalidInput(
      given.length === 0
        ? 'The input names no pipelines; expected pipelineName, pipelineNames or pipelineNamePattern.'
        : `The input gives ${given.join(' and ')}; expected exactly one of pipelineName, pipelineNames or pipelineNamePattern.`,
    );
  }
  const selection: Pick<StopAllRequest, 'pipelineName' | 'pipelineNames' | 'pipelineNamePattern'> = {};
  let names: string[] = [];
  if (given[0] === 'pipelineName') {
    selection.pipelineName = readName(raw.pipelineName, 'pipelineName');
    names = [selection.pipelineName];
  } else if (given[0] === 'pipelineNames') {
    const list = raw.pipelineNames;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_PIPELINE_NAMES) {
      throw new InvalidInput(`pipelineNames is ${describeValue(list)}; expected a list of 1 to ${MAX_PIPELINE_NAMES} pipeline names.`);
    }
    names = [...new Set(list.map((name, index) => readName(name, `pipelineNames[${index}]`)))];
    selection.pipelineNames = names;
  } else {
    const pattern = raw.pipelineNamePattern;
    if (typeof pattern !== 'string' || !PIPELINE_NAME_PATTERN.test(pattern)) {
      throw new InvalidInput(
        `pipelineNamePattern is ${describeValue(pattern)}; expected 1-256 letters, digits, hyphens and * (e.g. "training-*").`,
      );
    }
    if (!patternWithinScope(pattern, scope)) {
      throw new InvalidInput(
        `pipelineNamePattern "${pattern}" reaches beyond this deployment's PipelineNamePattern "${scope}"; expected a pattern within it (e.g. "${scope}"), or deploy with a wider PipelineNamePattern.`,
      );
    }
    selection.pipelineNamePattern = pattern;
  }
  const outside = names.filter((name) => !matchesGlob(scope, name));
  if (outside.length > 0) {
    throw new InvalidInput(
      `The pipeline ${outside
        .slice(0, 3)
        .map((name) => `"${name}"`)
        .join(', ')} is outside this deployment's PipelineNamePattern "${scope}"; expected names it matches.`,
    );
  }
  const dryRun = readBoolean(raw, 'dryRun', false);
  const pipelineTags = readBoolean(raw, 'pipelineTags', false);
  if (pipelineTags && selection.pipelineNamePattern === undefined)
    throw new InvalidInput("pipelineTags goes with pipelineNamePattern (the runaway guard's); expected a pattern, or no pipelineTags.");
  const stopLeftoverJobs = readBoolean(raw, 'stopLeftoverJobs', true);
  const reason = readReason(raw.reason);
  const maxWaitSeconds = readInteger(raw, 'maxWaitSeconds', 1, MAX_WAIT_SECONDS_LIMIT);
  const releaseCallbacksAfterSeconds = readInteger(raw, 'releaseCallbacksAfterSeconds', 0, MAX_WAIT_SECONDS_LIMIT);
  if (maxWaitSeconds !== undefined && releaseCallbacksAfterSeconds !== undefined && releaseCallbacksAfterSeconds >= maxWaitSeconds) {
    throw new InvalidInput(
      `releaseCallbacksAfterSeconds (${releaseCallbacksAfterSeconds}) is not below maxWaitSeconds (${maxWaitSeconds}); expected a grace period shorter than the deadline.`,
    );
  }
  return {
    ...selection,
    olderThanSeconds: readInteger(raw, 'olderThanSeconds', 0, MAX_OLDER_THAN_SECONDS) ?? 0,
    signalRatePerSecond: readInteger(raw, 'signalRatePerSecond', SIGNAL_RATE_LIMIT.min, SIGNAL_RATE_LIMIT.max) ?? defaultSignalRate,
    dryRun,
    ...(reason === undefined ? {} : { reason }),
    ...(maxWaitSeconds === undefined ? {} : { maxWaitSeconds }),
    ...(releaseCallbacksAfterSeconds === undefined ? {} : { releaseCallbacksAfterSeconds }),
    ...(stopLeftoverJobs ? {} : { stopLeftoverJobs: false as const }),
    ...(pipelineTags ? { pipelineTags: true as const } : {}),
  };
}

/** How the request names its pipelines, for messages and the summary ("training-*", "a, b", "churn-model"). */
export function selectionOf(request: StopAllRequest): string {
  return request.pipelineNamePattern ?? request.pipelineName ?? (request.pipelineNames ?? []).join(', ');
}

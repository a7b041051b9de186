import { optionalIntegerEnv, requireIntegerEnv } from './config.js';
import { InvalidInput } from './errors.js';
import { MAX_WAIT_SECONDS_LIMIT } from './validation.js';

/**
 * Bounds of the integer settings the functions read from their environment.
 * template.yaml's parameters for the same settings have these MinValue and
 * MaxValue (a template test proves it), so a stack that deploys also starts.
 */
export const SETTING_BOUNDS = {
  DEFAULT_MAX_WAIT_SECONDS: { min: 1, max: MAX_WAIT_SECONDS_LIMIT },
  DEFAULT_RELEASE_CALLBACKS_AFTER_SECONDS: { min: 0, max: MAX_WAIT_SECONDS_LIMIT },
  POLL_CAP_SECONDS: { min: 1, max: 300 },
  POLL_MIN_SECONDS: { min: 1, max: 300 },
  WATCH_SECONDS: { min: 0, max: 240 },
  STOP_ALL_MAX_EXECUTIONS: { min: 1, max: 100_000 },
  DEFAULT_SIGNAL_RATE_PER_SECOND: { min: 1, max: 50 },
  /** The stop watch's grace; its deadline is at least a minute later, within the limit. */
  STOP_WATCH_GRACE_SECONDS: { min: 0, max: MAX_WAIT_SECONDS_LIMIT - 60 },
} as const;

export type IntegerSetting = keyof typeof SETTING_BOUNDS;

/** What a stop request gets when it does not say: the deployment's settings. */
export interface RequestDefaults {
  maxWaitSeconds: number;
  releaseCallbacksAfterSeconds?: number;
}

/**
 * The deployment's defaults for a stop request, read one way everywhere: the functions read their
 * Lambda environment, the CLI's local mode the environment template.yaml deploys.
 */
export function readRequestDefaults(env: NodeJS.ProcessEnv = process.env): RequestDefaults {
  const releaseCallbacksAfterSeconds = optionalIntegerEnv(
    'DEFAULT_RELEASE_CALLBACKS_AFTER_SECONDS',
    SETTING_BOUNDS.DEFAULT_RELEASE_CALLBACKS_AFTER_SECONDS,
    env,
  );
  return {
    maxWaitSeconds: requireIntegerEnv('DEFAULT_MAX_WAIT_SECONDS', SETTING_BOUNDS.DEFAULT_MAX_WAIT_SECONDS, env),
    ...(releaseCallbacksAfterSeconds === undefined ? {} : { releaseCallbacksAfterSeconds }),
  };
}

/**
 * A stop's deadline and grace from what its input asked and the deployment's defaults, one way for
 * the graceful stop and stop-all: a default grace that could never fire before the deadline is
 * dropped, not blamed on the input; a grace the input asked for must lie below the deadline.
 */
export function resolveDeadlineAndGrace(
  requested: { maxWaitSeconds?: number | undefined; releaseCallbacksAfterSeconds?: number | undefined },
  defaults: RequestDefaults,
): { maxWaitSeconds: number; releaseCallbacksAfterSeconds?: number } {
  const maxWaitSeconds = requested.maxWaitSeconds ?? defaults.maxWaitSeconds;
  const defaultGrace =
    defaults.releaseCallbacksAfterSeconds !== undefined && defaults.releaseCallbacksAfterSeconds < maxWaitSeconds
      ? defaults.releaseCallbacksAfterSeconds
      : undefined;
  const releaseCallbacksAfterSeconds = requested.releaseCallbacksAfterSeconds ?? defaultGrace;
  if (releaseCallbacksAfterSeconds !== undefined && releaseCallbacksAfterSeconds >= maxWaitSeconds) {
    const fromDefault = requested.maxWaitSeconds === undefined;
    throw new InvalidInput(
      `releaseCallbacksAfterSeconds (${releaseCallbacksAfterSeconds}) is not below maxWaitSeconds (${maxWaitSeconds}${fromDefault ? ", the deployment's default DefaultMaxWaitSeconds" : ''}); expected a grace period shorter than the deadline${fromDefault ? ': give a maxWaitSeconds above it' : ''}, or no releaseCallbacksAfterSeconds.`,
    );
  }
  return { maxWaitSeconds, ...(releaseCallbacksAfterSeconds === undefined ? {} : { releaseCallbacksAfterSeconds }) };
}

import { join } from 'node:path';
import { policyEnvironment, type PollingPolicy } from '#bench/support/policies.js';
import { spawnChild } from '#bench/support/spawn-child.js';
import type { ConcurrencyChildResult, ConcurrencyChildSpec } from '#bench/support/types.js';

export const CONCURRENT_STOPS = 100;
export const THROTTLE_TPS = 10;
/** Each execution drains this long (real seconds: the TPS window is real time, so K = 1). */
export const CONCURRENCY_DRAIN_SECONDS = 10;
/** One SDK client per graceful stop, as with one warm Lambda container per concurrent stop. */
export const HANDLER_INSTANCES = CONCURRENT_STOPS;
const CHILD_TIMEOUT_MS = 180_000;

export type ConcurrencyReport = ({ ok: true } & ConcurrencyChildResult) | { ok: false; error: string };

export async function measureConcurrency(policy: PollingPolicy, benchDir: string, functionsDir: string): Promise<ConcurrencyReport> {
  const spec: ConcurrencyChildSpec = {
    stops: CONCURRENT_STOPS,
    tps: THROTTLE_TPS,
    drainSeconds: CONCURRENCY_DRAIN_SECONDS,
    policy,
    functionsDir,
    handlerInstances: HANDLER_INSTANCES,
  };
  const env = { ...policyEnvironment(policy), GRACEFUL_STOP_TIME_SCALE: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const run = await spawnChild<ConcurrencyChildResult>(join(benchDir, 'concurrency-child.mjs'), spec, env, CHILD_TIMEOUT_MS);
  return run.result ? { ok: true, ...run.result } : { ok: false, error: run.error ?? 'no result' };
}

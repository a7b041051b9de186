import { performance } from 'node:perf_hooks';
import type { LocalHandler } from '#local/engine/functions.js';
import { memoryGbOf } from '#bench/support/prices.js';
import { installSleepMeter, metered, type SleepAccount } from './sleep-meter.js';

/** One handler invocation: which execution, which function, when it began (performance.now), how long (real milliseconds) and how much of it asleep. */
export interface Invocation {
  executionId: string;
  logicalId: string;
  startedMilliseconds: number;
  realMilliseconds: number;
  sleptMilliseconds: number;
}

const executionIdOf = (event: unknown): string => {
  const id = (event as { executionId?: unknown } | null)?.executionId;
  return typeof id === 'string' ? id : 'unknown';
};

/**
 * Wraps every handler of a table (the graceful stop's, stop-all's) to record its duration, keyed by
 * the execution id in its event. Work that sleeps side by side (stop-all's signals and sweep) is
 * counted asleep at most for the whole invocation.
 */
export function timedHandlers<Table extends Record<string, LocalHandler>>(
  handlers: Table,
  record: (invocation: Invocation) => void,
): Table {
  installSleepMeter();
  const timed = {} as Record<string, LocalHandler>;
  for (const [logicalId, handler] of Object.entries(handlers)) {
    timed[logicalId] = async (event, context) => {
      const started = performance.now();
      let account: SleepAccount = { sleptMilliseconds: 0 };
      try {
        const run = await metered(() => handler(event, context));
        account = run.account;
        return run.value;
      } finally {
        const realMilliseconds = performance.now() - started;
        record({
          executionId: executionIdOf(event),
          logicalId,
          startedMilliseconds: started,
          realMilliseconds,
          sleptMilliseconds: Math.min(account.sleptMilliseconds, realMilliseconds),
        });
      }
    };
  }
  return timed as Table;
}

/** The most invocations running at once. */
export function peakConcurrency(invocations: readonly Invocation[]): number {
  const edges = invocations.flatMap((call) => [
    [call.startedMilliseconds, 1],
    [call.startedMilliseconds + call.realMilliseconds, -1],
  ]) as Array<[number, number]>;
  edges.sort(([a, da], [b, db]) => a - b || da - db);
  let running = 0;
  let peak = 0;
  for (const [, delta] of edges) peak = Math.max(peak, (running += delta));
  return peak;
}

/**
 * What Lambda would bill for the invocations, in GB-seconds of simulated
 * time: the sleeps (the watch loop's poll intervals) count K times, the work
 * (SageMaker calls, JSON) at its real duration; each invocation is rounded up
 * to Lambda's 1 ms billing granularity and multiplied by that function's
 * memory size in template.yaml.
 * Local work is not AWS work: SageMaker calls take ~1 ms here and tens of ms
 * on AWS, so the work part is a lower bound; it is small next to the sleeps.
 */
export function simulatedGbSeconds(invocations: readonly Invocation[], timeScale: number): number {
  return invocations.reduce((total, call) => {
    const billedMilliseconds = Math.ceil(call.realMilliseconds - call.sleptMilliseconds + call.sleptMilliseconds * timeScale);
    return total + (billedMilliseconds / 1000) * memoryGbOf(call.logicalId);
  }, 0);
}

/** The limits bench: two child processes (child.ts), and its table and targets in the report. */
import { join } from 'node:path';
import { markdownTable } from '#bench/report/tables.js';
import type { TargetCheck } from '#bench/report/targets.js';
import { spawnChild } from '#bench/support/spawn-child.js';
import type { GuardResult, LatencyResult, LimitsRow, LimitsSpec } from './types.js';
import { median } from '#bench/support/summary-stats.js';

/** Runs started beyond a limit of 1, one after another: each its own reaction, in real time. */
const EXTRA_RUNS = 20;
/** The guard's pipelines, and the time scale of its cycle (its calls are paced at 10 a second). */
const GUARD_PIPELINES = 500;
const GUARD_TIME_SCALE = 10;
const CHILD_TIMEOUT_MS = 600_000;
export const LIMITS_TARGETS = { reactionSeconds: 2 } as const;

export async function measureLimits(benchDir: string, functionsDir: string): Promise<LimitsRow> {
  const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true' };
  const run = async <T>(spec: LimitsSpec): Promise<T> => {
    const child = await spawnChild<T>(
      join(benchDir, 'limits-child.mjs'),
      spec,
      { ...env, GRACEFUL_STOP_TIME_SCALE: String(spec.timeScale) },
      CHILD_TIMEOUT_MS,
    );
    if (!child.result) throw new Error(child.error ?? 'no result');
    return child.result;
  };
  try {
    const latency = await run<LatencyResult>({ mode: 'latency', functionsDir, timeScale: 1, extraRuns: EXTRA_RUNS, pipelines: 0 });
    const guard = await run<GuardResult>({
      mode: 'guard',
      functionsDir,
      timeScale: GUARD_TIME_SCALE,
      extraRuns: 0,
      pipelines: GUARD_PIPELINES,
    });
    return {
      latency: {
        median: median(latency.seconds),
        max: Math.max(...latency.seconds),
        runs: latency.seconds.length,
        stopped: latency.stopped,
      },
      guard,
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export function limitsTable(row: LimitsRow): string {
  if (row.error) return `The limits bench failed: ${row.error}`;
  const { latency, guard } = row;
  const calls = Object.entries(guard?.callsByOperation ?? {})
    .map(([operation, count]) => `${operation} ${count}`)
    .join(', ');
  return markdownTable(
    ['measure', 'value'],
    [
      [
        "a run's Executing event to its stop's signal, beyond a limit of 1 (median / max, real s)",
        `${latency?.median.toFixed(2)} / ${latency?.max.toFixed(2)} s over ${latency?.runs} runs, ${latency?.stopped} stopped`,
      ],
      [`runaway guard, ${guard?.pipelines} tagged pipelines: one cycle`, `${guard?.cycleSeconds.toFixed(0)} s; ${calls}`],
      [
        'its decisions (the report lists 100 at most)',
        Object.entries(guard?.decisions ?? {})
          .map(([decision, count]) => `${decision} ${count}`)
          .join(', '),
      ],
      [
        'its cost: transitions, Lambda invocations, GB-s, $',
        `${guard?.stateTransitions}, ${guard?.lambdaInvocations}, ${guard?.lambdaGbSeconds.toFixed(1)}, ${guard?.dollarsPerCycle.toFixed(5)}`,
      ],
    ],
  );
}

export function checkLimitsTargets(row: LimitsRow | undefined): TargetCheck[] {
  if (!row) return [];
  if (row.error || !row.latency || !row.guard) return [{ target: 'Pipeline limits', met: false, detail: row.error ?? 'not measured' }];
  return [
    {
      target: `Pipeline limits: a run beyond its limit is signalled ≤ ${LIMITS_TARGETS.reactionSeconds} s after its Executing event (locally)`,
      met: row.latency.max <= LIMITS_TARGETS.reactionSeconds && row.latency.stopped === row.latency.runs,
      detail: `median ${row.latency.median.toFixed(2)} s, slowest ${row.latency.max.toFixed(2)} s`,
    },
    {
      target: "Pipeline limits: the guard reads each pipeline's tags once a cycle (ListTags = pipelines)",
      met: row.guard.callsByOperation.ListTags === row.guard.pipelines,
      detail: `ListTags ${row.guard.callsByOperation.ListTags ?? 0} for ${row.guard.pipelines} pipelines, $${row.guard.dollarsPerCycle.toFixed(5)} a cycle`,
    },
  ];
}

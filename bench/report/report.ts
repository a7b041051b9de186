import type { FunctionColdStart } from '#bench/cold-start/measure.js';
import type { ConcurrencyReport } from '#bench/concurrency/suite.js';
import type { DrainRow } from '#bench/drains/suite.js';
import type { MachineInfo } from '#bench/support/machine.js';
import type { PollingPolicy } from '#bench/support/policies.js';
import { PRICES } from '#bench/support/prices.js';
import { coldStartTable, concurrencyTable, costTable, latencyTable, targetsTable } from './tables.js';
import type { TargetCheck } from './targets.js';

export interface BenchResults {
  machine: MachineInfo;
  finishedAt: string;
  totalRealSeconds: number;
  sectionSeconds: Record<string, number>;
  policies: PollingPolicy[];
  prices: typeof PRICES;
  drains: DrainRow[];
  coldStarts: FunctionColdStart[];
  concurrency?: ConcurrencyReport;
  targets: TargetCheck[];
}

/** The whole comparison as Markdown: what `npm run bench` prints. */
export function renderReport(results: BenchResults): string {
  const { machine } = results;
  const sections = [
    `# Graceful-stop benchmark — ${machine.date.slice(0, 10)}`,
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}; load average ${machine.loadAverage} at the start. Bench took ${Math.round(results.totalRealSeconds)} s (${Object.entries(results.sectionSeconds).map(([section, seconds]) => `${section} ${seconds} s`).join(', ')}).`,
  ];
  if (results.drains.length > 0) {
    sections.push(
      '## Detection latency (simulated seconds, median / max of the repeats; ✓ = every repeat ≤ 2 s + 5 % of its drain)',
      latencyTable(results.drains, results.policies),
      '## Cost per graceful stop',
      costTable(results.drains, results.policies),
      `Prices: ${results.prices.source}: Step Functions $0.025 per 1,000 transitions, Lambda arm64 $0.0000133334 per GB-s + $0.20 per 1M requests. Lambda GB-s in simulated time = per invocation (work at its real duration + sleeps × K, rounded up to 1 ms) × the function's MemorySize in template.yaml (Check Pipeline Execution 128 MB, the others 256 MB); SageMaker calls are free but count against its rate limits.`,
    );
  }
  if (results.coldStarts.length > 0) {
    sections.push('## Cold start (KB = 1,000 bytes without the source map; ms = `await import(bundle)` in a fresh node process, median (min) of 10)', coldStartTable(results.coldStarts));
  }
  if (results.concurrency) sections.push('## Concurrency', concurrencyTable(results.concurrency));
  sections.push('## Targets', targetsTable(results.targets));
  return `${sections.join('\n\n')}\n`;
}

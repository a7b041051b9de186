import type { FunctionColdStart } from '#bench/cold-start/measure.js';
import type { ConcurrencyReport } from '#bench/concurrency/suite.js';
import type { DrainRow } from '#bench/drains/suite.js';
import type { MachineInfo } from '#bench/support/machine.js';
import type { PollingPolicy } from '#bench/support/policies.js';
import { PRICES } from '#bench/support/prices.js';
import type { FleetRow } from '#bench/fleet/types.js';
import { coldStartTable, concurrencyTable, costTable, eventsTable, fleetTable, latencyTable, targetsTable } from './tables.js';
import type { EventsRow } from '#bench/events/types.js';
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
  fleet: FleetRow[];
  events: EventsRow[];
  concurrency?: ConcurrencyReport;
  targets: TargetCheck[];
}

/** The whole comparison as Markdown: what `npm run bench` prints. */
export function renderReport(results: BenchResults): string {
  const { machine } = results;
  const sections = [
    `# Graceful-stop benchmark — ${machine.date.slice(0, 10)}`,
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}; load average ${machine.loadAverage} at the start. Bench took ${Math.round(results.totalRealSeconds)} s (${Object.entries(
      results.sectionSeconds,
    )
      .map(([section, seconds]) => `${section} ${seconds} s`)
      .join(', ')}).`,
  ];
  if (results.drains.length > 0) {
    sections.push(
      '## Detection latency (simulated seconds, median / max of the repeats; ✓ = every repeat ≤ 2 s + 5 % of its drain)',
      latencyTable(results.drains, results.policies),
      '## Cost per graceful stop',
      costTable(results.drains, results.policies),
      `Prices: ${results.prices.source}: Step Functions $0.025 per 1,000 transitions, Lambda arm64 $0.0000133334 per GB-s + $0.20 per 1M requests, S3 $0.0004 per 1,000 GETs and $0.005 per 1,000 PUTs and LISTs (the stop records, and a watching check's look for the run's end record every second while its next poll is more than 2 s away). Lambda GB-s in simulated time = per invocation (work at its real duration + sleeps × K, rounded up to 1 ms) × the function's MemorySize in template.yaml (Check Pipeline Execution 128 MB, the others 256 MB); SageMaker calls are free but count against its rate limits.`,
    );
  }
  if (results.events.length > 0) {
    sections.push(
      "## Detection with run events (simulated seconds from a run's end to its stop's first look that saw it)",
      eventsTable(results.events),
      "events: the local cloud delivers SageMaker's status change events through template.yaml's rules (EndWaitsFunction: the end record for a watching Check, SendTaskSuccess for a waiting Wait For Run Events); polling only: the same stops with those events lost, i.e. the stop as it was before the events. Locally EventBridge delivers at once; on AWS add its delivery time (typically well under a second). K magnifies a real millisecond of scheduling K times.",
    );
  }
  if (results.coldStarts.length > 0) {
    sections.push(
      '## Cold start (KB = 1,000 bytes without the source map; ms = `await import(bundle)` in a fresh node process, median (min) of 10)',
      coldStartTable(results.coldStarts),
    );
  }
  if (results.concurrency) sections.push('## Concurrency', concurrencyTable(results.concurrency));
  if (results.fleet.length > 0) {
    sections.push(
      '## Fleet: stop-all of 1,000 and 10,000 runs (simulated seconds; R = 10 calls a second)',
      fleetTable(results.fleet),
      "fleet (measured): the stop-all state machine on the embedded engine with the built bundles against the simulator at time scale 10 (5 for 10,000 runs); a mix of Training, Processing, Lambda (≤ 10 min, then Training) and Callback runs, a tenth already stuck in Stopping (someone else's stop nobody answers; released after the drain). map-40 (modelled): the previous stop-all - batches of 100, a graceful-stop child per run in a Map at most 40 at a time, at most 2,000 runs per stop-all, runs already Stopping never selected - from one graceful stop measured on the simulator and the fleet's measured listing. sdk-loop (modelled): stop one run, poll DescribePipelineExecution every 10 s until it ends, then the next; AWS bills nothing for it, but it keeps a machine busy the whole time. \"slowest notice\": the longest delay from a run's end (the simulator's LastModifiedTime) to its end being noticed. Peaks: the fleet's pacers count the calls they let through in each second (peakCallsPerSecond in its report); beside it the busiest simulated second as the calls left the process and as the simulator received them, where a time scale of K magnifies a millisecond of scheduling on this 2-core machine K times (on AWS, where K = 1, the pace's 4 % of room is 40 ms per second).",
    );
  }
  sections.push('## Targets', targetsTable(results.targets));
  return `${sections.join('\n\n')}\n`;
}

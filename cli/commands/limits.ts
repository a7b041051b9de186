/**
 * `graceful-stop limits --dry-run`: each pipeline's own limits from its graceful-stop: tags, the tags
 * refused, and what the limits would stop now - a table within 80 columns, or --json. It reads
 * SageMaker (the local simulator when AWS_ENDPOINT_URL_SAGEMAKER points at it) and stops nothing.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Command } from '#cli/args.js';
import { io } from '#cli/io.js';
import { printable } from '#cli/printable.js';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { systemClock } from '#commons/clock.js';
import { createPacer } from '#commons/pacer.js';
import { limitsReport, type PipelineLimits } from '#pipeline-limits/limits-report.js';

export type LimitsOptions = Extract<Command, { name: 'limits' }>;
/** SageMaker calls a second: the CLI shares the account's rates with the runs it looks at. */
const CALLS_PER_SECOND = 5;

const fit = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
const duration = (seconds: number | undefined): string =>
  seconds === undefined ? '-' : seconds % 3_600 === 0 ? `${seconds / 3_600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;

/** One line per pipeline within 80 columns, then each tag refused. */
export function limitsTable(report: readonly PipelineLimits[]): string {
  const lines = [
    `${fit('pipeline', 24)} ${fit('max runtime', 11)} ${fit('max runs', 8)} ${fit('grace', 6)} ${fit('exempt', 6)} ${fit('running', 7)} would stop`,
  ];
  for (const pipeline of report) {
    const { policy } = pipeline;
    const byRuntime = pipeline.wouldStop.filter((stop) => stop.why === 'MaxRuntime').length;
    const byRuns = pipeline.wouldStop.length - byRuntime;
    const wouldStop = [byRuntime ? `${byRuntime} old` : '', byRuns ? `${byRuns} over` : ''].filter(Boolean).join(' ') || '-';
    lines.push(
      `${fit(pipeline.pipelineName, 24)} ${fit(duration(policy.maxRuntimeSeconds), 11)} ${fit(String(policy.maxConcurrentRuns ?? '-'), 8)} ${fit(duration(policy.graceSeconds), 6)} ${fit(policy.exempt ? 'yes' : 'no', 6)} ${fit(String(pipeline.executing), 7)} ${fit(wouldStop, 12)}`.trimEnd(),
    );
  }
  for (const pipeline of report)
    for (const problem of pipeline.problems)
      // Two lines, each within 80 columns: what was refused, then what was expected.
      lines.push(
        printable(`refused ${pipeline.pipelineName}: ${problem.tag}="${problem.value}"`).slice(0, 80),
        `  ${problem.problem}`.slice(0, 80),
      );
  return lines.join('\n');
}

export async function limits(options: LimitsOptions): Promise<number> {
  const sagemaker = new SageMakerClient({ ...BOUNDED_CLIENT_OPTIONS });
  try {
    const report = await limitsReport(sagemaker, {
      pattern: options.pipelineNamePattern,
      now: systemClock.now(),
      pacer: createPacer(CALLS_PER_SECOND, systemClock),
      ...(options.maxRuntimeSeconds === undefined ? {} : { deploymentMaxRuntimeSeconds: options.maxRuntimeSeconds }),
    });
    io.out(`${options.json ? JSON.stringify({ pipelines: report }, null, 2) : limitsTable(report)}\n`);
    return 0;
  } finally {
    sagemaker.destroy();
  }
}

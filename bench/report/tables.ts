import type { EventsRow } from '#bench/events/types.js';
import type { FunctionColdStart } from '#bench/cold-start/measure.js';
import type { ConcurrencyReport } from '#bench/concurrency/suite.js';
import type { DrainRow } from '#bench/drains/suite.js';
import { latencyTargetSeconds, NOMINAL_DRAIN_SECONDS } from '#bench/drains/durations.js';
import type { PollingPolicy } from '#bench/support/policies.js';
import type { TargetCheck } from './targets.js';
import type { FleetRow } from '#bench/fleet/types.js';

/** A GitHub-flavoured Markdown table (also readable as plain text on a terminal). */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]): string =>
    `| ${cells.map((cell) => String(cell).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const formatNumber = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
export const mark = (met: boolean): string => (met ? '✓' : '✗');
export const dollars = (value: number): string => (Number.isFinite(value) ? `$${value.toFixed(5)}` : 'n/a');

const drainLabel = (seconds: number): string => (seconds >= 60 ? `${seconds / 60} min` : `${seconds} s`);

function rowFor(rows: readonly DrainRow[], policy: string, drain: number): DrainRow | undefined {
  return rows.find((row) => row.policy === policy && row.nominalDrainSeconds === drain);
}

/** Detection latency, simulated seconds: median / max over the repeats. */
export function latencyTable(rows: readonly DrainRow[], policies: readonly PollingPolicy[]): string {
  const header = ['Drain (repeats)', 'K', 'Target', ...policies.map((policy) => policy.label)];
  const body = NOMINAL_DRAIN_SECONDS.map((drain) => {
    const any = policies.map((policy) => rowFor(rows, policy.name, drain)).find((row) => row && !row.error);
    const spread = any && any.drainSeconds.max > any.drainSeconds.min;
    const range = spread ? ` (${formatNumber(any.drainSeconds.min, 0)}–${formatNumber(any.drainSeconds.max, 0)} s)` : '';
    const cells = policies.map((policy) => {
      const row = rowFor(rows, policy.name, drain);
      if (!row || row.error) return `failed: ${row?.error?.slice(0, 80) ?? 'missing'}`;
      return `${formatNumber(row.latencySeconds.median)} / ${formatNumber(row.latencySeconds.max)} ${mark(row.latencyTargetMet)}`;
    });
    return [`${drainLabel(drain)}${range}`, any?.timeScale ?? '?', `≤ ${formatNumber(latencyTargetSeconds(drain))} s`, ...cells];
  });
  return markdownTable(header, body);
}

/** Cost per graceful stop (median over the repeats; SageMaker calls are the mean). */
export function costTable(rows: readonly DrainRow[], policies: readonly PollingPolicy[]): string {
  const header = [
    'Drain',
    'Policy',
    'State transitions',
    'Lambda invocations',
    'SageMaker calls',
    'Lambda GB-s',
    'S3 requests',
    'Est. $ per stop',
  ];
  const body = NOMINAL_DRAIN_SECONDS.flatMap((drain) =>
    policies.map((policy) => {
      const row = rowFor(rows, policy.name, drain);
      const cost = row?.perStop;
      return [
        drainLabel(drain),
        policy.name,
        formatNumber(cost?.stateTransitions ?? Number.NaN, 0),
        formatNumber(cost?.lambdaInvocations ?? Number.NaN, 0),
        formatNumber(cost?.sageMakerCalls ?? Number.NaN, 0),
        formatNumber(cost?.lambdaGbSeconds ?? Number.NaN, 2),
        Object.entries(cost?.s3Requests ?? {})
          .map(([kind, count]) => `${kind} ${count}`)
          .join(', ') || '0',
        dollars(cost?.dollars ?? Number.NaN),
      ];
    }),
  );
  return markdownTable(header, body);
}

const times = (ms: { medianMs: number; minMs: number; samples: number; failures: number }): string =>
  ms.samples === 0 ? `import failed ×${ms.failures}` : `${formatNumber(ms.medianMs)} (${formatNumber(ms.minMs)})`;

/** Bundle size and cold import per function and bundling variant. */
export function coldStartTable(functions: readonly FunctionColdStart[]): string {
  const header = [
    'Function',
    'Template KB',
    'Import ms, median (min)',
    'With --enable-source-maps',
    'Its Node built-ins alone',
    'Default main fields KB / ms',
    '@aws-sdk/* external KB / ms',
    'Largest packages (KB)',
  ];
  const body = functions.map((fn) => {
    const variant = (name: string): string => {
      const found = fn.variants[name];
      return found ? `${formatNumber(found.kilobytes)} / ${times(found.importMs)}` : 'n/a';
    };
    const template = fn.variants.template;
    return [
      fn.logicalId.replace(/Function$/, ''),
      formatNumber(template?.kilobytes ?? Number.NaN),
      template ? times(template.importMs) : 'n/a',
      times(fn.templateWithSourceMapsMs),
      times(fn.builtinsOnlyMs),
      variant('default-main-fields'),
      variant('sdk-external'),
      fn.largestPackages
        .slice(0, 4)
        .map(
          (pkg) =>
            `${pkg.name
              .replace(/^@aws-sdk\//, 'sdk/')
              .replace(/^@smithy\//, 'smithy/')
              .replace(/^@aws-lambda-powertools\//, 'powertools/')} ${formatNumber(pkg.kilobytes, 0)}`,
        )
        .join(', '),
    ];
  });
  return markdownTable(header, body);
}

export function concurrencyTable(report: ConcurrencyReport): string {
  if (!report.ok) return `Concurrency run failed: ${report.error}`;
  const calls = Object.entries(report.sageMakerCalls)
    .map(([operation, count]) => `${operation} ${count}`)
    .join(', ');
  const retries = Object.entries(report.taskRetries)
    .map(([state, count]) => `${state} ${count}`)
    .join(', ');
  return markdownTable(
    ['Measure', 'Value'],
    [
      ['Graceful stops at once', `${report.stops} (${report.handlerInstances} handler copies = own SDK client each)`],
      ['Throttle', `${report.tps} TPS per operation (every operation)`],
      ['Drain per execution', `${report.drainSeconds} s`],
      ['Outcomes', JSON.stringify(report.outcomes)],
      ['Executions final status', JSON.stringify(report.finalStatuses)],
      ['Runs ending in ThrottlingException', report.throttlingEscapes],
      ['Total wall time', `${formatNumber(report.wallSeconds)} s`],
      ['SageMaker calls', `${calls} (${report.throttledCalls} throttled)`],
      ['ASL task retries', `${retries || 'none'}; at most ${report.highestRetryAttempt} for one task of one stop (Retry allows 6)`],
      ['State transitions / Lambda invocations (all stops)', `${report.stateTransitions} / ${report.lambdaInvocations}`],
      ['Detection latency median / max', `${formatNumber(report.latencySeconds.median)} / ${formatNumber(report.latencySeconds.max)} s`],
    ],
  );
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return markdownTable(
    ['Target', 'Holds', 'Measured'],
    checks.map((check) => [check.target, mark(check.met), check.detail]),
  );
}

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 600) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
};
const peaks = (record: Record<string, number>): string =>
  Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, count]) => `${operation.replace('PipelineExecution', 'PE')} ${count}`)
    .join(', ');

/** The fleet table: each case, the fleet measured beside the previous design and an SDK loop. */
export function fleetTable(rows: readonly FleetRow[]): string {
  const header = [
    'runs × drain',
    'design',
    'last signal',
    'all ended noticed',
    'slowest notice',
    'SageMaker calls (total)',
    'peak calls/s per operation',
    'sent / received peak',
    'calls/run beyond listing',
    'transitions',
    'Lambda invocations (peak at once)',
    'stuck reaped',
    '$ per run',
  ];
  const body = rows.flatMap((row) =>
    row.error
      ? [[`${row.runs} × ${row.drainSeconds} s`, 'FAILED', row.error, '', '', '', '', '', '', '', '', '', '']]
      : row.designs.map((design) => [
          `${row.runs} × ${row.drainSeconds / 60} min`,
          `${design.design} (${design.how})`,
          duration(design.secondsToLastSignal),
          duration(design.secondsToAllEnded),
          Number.isFinite(design.maxDetectionSeconds) ? `${design.maxDetectionSeconds.toFixed(1)} s` : 'n/a',
          String(Object.values(design.callsByOperation).reduce((sum, count) => sum + count, 0)),
          peaks(design.peakCallsPerSecond),
          design.peakSentPerSecond
            ? `${Math.max(...Object.values(design.peakSentPerSecond))} / ${Math.max(...Object.values(design.peakReceivedPerSecond ?? {}))}`
            : '',
          design.callsPerRunBeyondListing.toFixed(2),
          String(design.stateTransitions),
          `${design.lambdaInvocations} (${design.peakConcurrentLambda})`,
          `${design.stuckReaped} of ${design.stuck}`,
          design.dollarsPerRun.toFixed(7),
        ]),
  );
  return markdownTable(header, body);
}

/** Detection with run events beside polling alone: simulated seconds from a run's end to its stop noticing it. */
export function eventsTable(rows: readonly EventsRow[]): string {
  const header = [
    'drain',
    'K',
    'repeats',
    'events: noticed after (median / max)',
    'polling only (median / max)',
    'transitions per stop (events / polling)',
    'Lambda invocations (events / polling)',
    'S3 requests per stop',
  ];
  const lines = [markdownRow(header), markdownRow(header.map(() => '---'))];
  for (const row of rows) {
    if (row.error) {
      lines.push(
        markdownRow([
          `${row.nominalDrainSeconds} s`,
          `${row.timeScale}`,
          '-',
          `failed: ${row.error.split('\n')[0]?.slice(0, 120)}`,
          '',
          '',
          '',
          '',
        ]),
      );
      continue;
    }
    const s3 = Object.entries(row.s3RequestsPerStop)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    lines.push(
      markdownRow([
        `${row.nominalDrainSeconds} s`,
        `${row.timeScale}`,
        `${row.repeats}`,
        `${row.events.median} / ${row.events.max} s`,
        `${row.polling.median} / ${row.polling.max} s`,
        `${row.events.stateTransitions} / ${row.polling.stateTransitions}`,
        `${row.events.lambdaInvocations} / ${row.polling.lambdaInvocations}`,
        s3,
      ]),
    );
  }
  return lines.join('\n');
}

/** One row of a Markdown table. */
function markdownRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

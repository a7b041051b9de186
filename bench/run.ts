/**
 * npm run bench: detection latency, cost, cold start and concurrency of the
 * graceful stop, adaptive polling against fixed intervals, on the local
 * simulator and embedded engine. Prints Markdown, writes
 * bench/results/latest.json (+ latest.md). See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '#local/engine/paths.js';
import { importChildPath, measureColdStarts, type FunctionColdStart } from '#bench/cold-start/measure.js';
import { measureConcurrency, type ConcurrencyReport } from '#bench/concurrency/suite.js';
import { measureDrains, type DrainRow } from '#bench/drains/suite.js';
import { FLEET_CASES, measureFleet } from '#bench/fleet/suite.js';
import { measureEvents, EVENT_DRAIN_SECONDS } from '#bench/events/suite.js';
import type { EventsRow } from '#bench/events/types.js';
import type { FleetRow } from '#bench/fleet/types.js';
import { describeMachine } from '#bench/support/machine.js';
import { comparedPolicies } from '#bench/support/policies.js';
import { PRICES } from '#bench/support/prices.js';
import { renderReport, type BenchResults } from '#bench/report/report.js';
import { checkEventTargets, checkFleetTargets, checkTargets } from '#bench/report/targets.js';
import { adaptiveDefaultsOf, loadBuildScript, readTemplate } from '#bench/support/template-build.js';
import { createWorkspace } from '#bench/support/workspace.js';
import { measureOrganizationStop, type OrgRow } from '#bench/org/suite.js';
import { checkOrganizationTargets } from '#bench/org/report.js';
import { checkLimitsTargets, measureLimits } from '#bench/limits/suite.js';
import type { LimitsRow } from '#bench/limits/types.js';
import { existsSync, readFileSync } from 'node:fs';

const SECTIONS = ['drains', 'events', 'concurrency', 'cold-start', 'fleet', 'org', 'limits'] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  sections: Section[];
  parallel: number;
  /** The fleet sizes to measure (default: every one of FLEET_CASES). */
  fleetRuns?: number[];
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = value('only')?.split(',') ?? [...SECTIONS];
  const unknown = only.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`Unknown section(s) ${unknown.join(', ')}; expected ${SECTIONS.join(', ')}.`);
  const parallel = Number(value('parallel') ?? 3);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 8) throw new Error('--parallel must be an integer from 1 to 8.');
  const sizes = [...new Set(FLEET_CASES.map((fleetCase) => fleetCase.runs))];
  const fleetRuns = value('fleet-runs')?.split(',').map(Number);
  if (fleetRuns && fleetRuns.some((runs) => !sizes.includes(runs)))
    throw new Error(`--fleet-runs takes ${sizes.join(', ')} (comma-separated).`);
  return { sections: only as Section[], parallel, ...(fleetRuns ? { fleetRuns } : {}) };
}

const log = (text: string): void => {
  process.stderr.write(`[bench] ${text}\n`);
};

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const machine = describeMachine();
  const template = readTemplate(projectRoot);
  const script = await loadBuildScript(projectRoot);
  const policies = comparedPolicies(adaptiveDefaultsOf(template));
  const workspace = createWorkspace(projectRoot);
  let drains: DrainRow[] = [];
  let concurrency: ConcurrencyReport | undefined;
  let coldStarts: FunctionColdStart[] = [];
  let fleet: FleetRow[] = [];
  let events: EventsRow[] = [];
  let organization: OrgRow | undefined;
  let limits: LimitsRow | undefined;
  const resultsDir = join(projectRoot, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const sectionSeconds: Record<string, number> = {};
  const timed = async <T>(section: Section, what: string, work: () => Promise<T>): Promise<T> => {
    log(what);
    const sectionStarted = Date.now();
    const value = await work();
    sectionSeconds[section] = Math.round((Date.now() - sectionStarted) / 1000);
    log(`${section} took ${sectionSeconds[section]} s`);
    return value;
  };
  try {
    if (options.sections.includes('drains')) {
      const what = `detection latency + cost: ${policies.length} policies × 5 drains, ${options.parallel} child processes at a time`;
      drains = await timed('drains', what, () => measureDrains(policies, workspace.benchDir, workspace.functionsDir, options.parallel));
    }
    if (options.sections.includes('events')) {
      const what = `run events: ${EVENT_DRAIN_SECONDS.join(', ')} s drains, end events delivered against lost (polling alone)`;
      events = await timed('events', what, () => measureEvents(workspace.benchDir, workspace.functionsDir, options.parallel));
    }
    if (options.sections.includes('concurrency')) {
      const what = '100 graceful stops at once against 10 TPS per operation';
      concurrency = await timed('concurrency', what, () => measureConcurrency(policies[0]!, workspace.benchDir, workspace.functionsDir));
    }
    if (options.sections.includes('cold-start')) {
      const what = 'cold start: building bundle variants and importing each in fresh node processes';
      coldStarts = await timed('cold-start', what, () =>
        measureColdStarts(script, template, projectRoot, workspace.variantsDir, importChildPath(workspace.benchDir)),
      );
    }
    if (options.sections.includes('fleet')) {
      const what = 'fleet: 1,000 and 10,000 runs, 2- and 20-minute drains, against the previous design and an SDK loop';
      fleet = await timed('fleet', what, () => measureFleet(workspace.benchDir, workspace.functionsDir, log, options.fleetRuns));
    }
    if (options.sections.includes('org')) {
      const what = 'organization stop: 100 accounts × 3 regions × 20 runs, 2-minute drains; then 1,000 targets for the quotas';
      organization = await timed('org', what, () =>
        measureOrganizationStop(workspace.benchDir, workspace.functionsDir, projectRoot).catch(
          (error: unknown): OrgRow => ({ error: error instanceof Error ? error.message : String(error) }) as OrgRow,
        ),
      );
    }
    if (options.sections.includes('limits')) {
      const what = "pipelines' limits: a run beyond a limit of 1, and the runaway guard over 500 tagged pipelines";
      limits = await timed('limits', what, () => measureLimits(workspace.benchDir, workspace.functionsDir));
    }
  } finally {
    workspace.remove();
  }
  // A section not run this time keeps its figures from the previous results (their date is in docs/benchmarks.md).
  const previous = readPrevious(join(resultsDir, 'latest.json'));
  const kept = <T>(ran: boolean, now: T, before: T | undefined): T => (ran ? now : (before ?? now));
  const ran = (section: Section): boolean => options.sections.includes(section);
  drains = kept(ran('drains'), drains, previous?.drains);
  coldStarts = kept(ran('cold-start'), coldStarts, previous?.coldStarts);
  fleet = kept(ran('fleet'), fleet, previous?.fleet);
  events = kept(ran('events'), events, previous?.events);
  concurrency = kept(ran('concurrency'), concurrency, previous?.concurrency);
  organization = kept(ran('org'), organization, previous?.organization);
  limits = kept(ran('limits'), limits, previous?.limits);
  const results: BenchResults = {
    machine,
    finishedAt: new Date().toISOString(),
    totalRealSeconds: (Date.now() - started) / 1000,
    sectionSeconds,
    policies,
    prices: PRICES,
    drains,
    coldStarts,
    fleet,
    events,
    ...(concurrency ? { concurrency } : {}),
    ...(organization ? { organization } : {}),
    ...(limits ? { limits } : {}),
    targets: [
      ...checkTargets(drains, coldStarts, concurrency),
      ...checkEventTargets(events),
      ...checkFleetTargets(fleet),
      ...checkOrganizationTargets(organization, fleet),
      ...checkLimitsTargets(limits),
    ],
  };
  const markdown = renderReport(results);
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'latest.md'), markdown);
  process.stdout.write(markdown);
  log(`done in ${Math.round(results.totalRealSeconds)} s; wrote bench/results/latest.json and latest.md`);
}

function readPrevious(path: string): Partial<BenchResults> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Partial<BenchResults>;
  } catch {
    return undefined;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});

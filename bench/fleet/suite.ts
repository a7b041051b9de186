import { join } from 'node:path';
import { spawnChild } from '#bench/support/spawn-child.js';
import { modelPreviousDesign, modelSdkLoop } from './models.js';
import type { FleetCase, FleetChildResult, FleetChildSpec, FleetRow } from './types.js';

export const FLEET_CASES: readonly FleetCase[] = [
  { runs: 1_000, drainSeconds: 120 },
  { runs: 1_000, drainSeconds: 1_200 },
  { runs: 10_000, drainSeconds: 120 },
  { runs: 10_000, drainSeconds: 1_200 },
];
export const FLEET_SIGNAL_RATE = 10;
/**
 * The fleet runs K = 5 times faster than real time. Every real millisecond of CPU the process spends
 * weighs K simulated ones: the sweeps and 2.5 MB ledgers of 10,000 runs, and for every signal its
 * stop record (an S3 PUT beside the StopPipelineExecution). At K = 10 that slipped the pace of 1,000
 * signals by 6-18 simulated seconds on a busy 2-core machine; at 5 it weighs half as much.
 * 10,000 runs with 20-minute drains take about 8 minutes.
 */
export const FLEET_TIME_SCALE = 5;
/** One graceful stop is measured 100 times faster: only its costs and its lifetime matter. */
export const CHILD_TIME_SCALE = 100;
const CHILD_TIMEOUT_MS = 900_000;

const run = async (benchDir: string, spec: FleetChildSpec): Promise<FleetChildResult> => {
  const env = {
    GRACEFUL_STOP_TIME_SCALE: String(spec.timeScale),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const child = await spawnChild<FleetChildResult>(join(benchDir, 'fleet-child.mjs'), spec, env, CHILD_TIMEOUT_MS);
  if (!child.result) throw new Error(child.error ?? 'no result');
  return child.result;
};

/**
 * Every case: the fleet measured on the simulator, side by side with the previous design (children
 * in a Map at 40) and a plain SDK loop, both modelled from one measured graceful stop per drain and
 * the fleet's measured listing.
 */
export async function measureFleet(
  benchDir: string,
  functionsDir: string,
  log: (text: string) => void,
  sizes?: readonly number[],
): Promise<FleetRow[]> {
  const children = new Map<number, FleetChildResult>();
  const rows: FleetRow[] = [];
  for (const fleetCase of FLEET_CASES.filter((candidate) => !sizes || sizes.includes(candidate.runs))) {
    const base = { ...fleetCase, signalRate: FLEET_SIGNAL_RATE, functionsDir };
    try {
      let child = children.get(fleetCase.drainSeconds);
      if (!child) {
        log(`fleet: one graceful stop of a ${fleetCase.drainSeconds} s drain (the previous design's child)`);
        child = await run(benchDir, { ...base, runs: 1, mode: 'child', timeScale: CHILD_TIME_SCALE });
        children.set(fleetCase.drainSeconds, child);
      }
      log(`fleet: ${fleetCase.runs} runs, ${fleetCase.drainSeconds} s drains, R = ${FLEET_SIGNAL_RATE}, time scale ${FLEET_TIME_SCALE}`);
      const fleet = await run(benchDir, { ...base, mode: 'fleet', timeScale: FLEET_TIME_SCALE });
      log(`fleet: done in ${Math.round(fleet.realSeconds)} s real`);
      const parts = {
        child: { ...child.figures, childSeconds: child.childSeconds ?? Number.NaN },
        listingSeconds: fleet.listingSeconds,
        listingCalls: fleet.listingCalls,
      };
      rows.push({
        ...fleetCase,
        signalRate: FLEET_SIGNAL_RATE,
        listingSeconds: fleet.listingSeconds,
        designs: [fleet.figures, modelPreviousDesign(fleetCase, parts), modelSdkLoop(fleetCase, parts)],
      });
    } catch (error) {
      rows.push({
        ...fleetCase,
        signalRate: FLEET_SIGNAL_RATE,
        listingSeconds: Number.NaN,
        designs: [],
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return rows;
}

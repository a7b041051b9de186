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
 * The fleet runs K times faster than real time: 10 for 1,000 runs, 5 for 10,000 (their sweeps and
 * 2.5 MB ledgers take real CPU time each cycle, which K multiplies: at 5 it weighs half as much).
 * 10,000 runs with 20-minute drains take about 8 minutes.
 */
export const fleetTimeScale = (runs: number): number => (runs > 2_000 ? 5 : 10);
/** One graceful stop is measured 100 times faster: only its costs and its lifetime matter. */
export const CHILD_TIME_SCALE = 100;
const CHILD_TIMEOUT_MS = 900_000;

const run = async (benchDir: string, spec: FleetChildSpec): Promise<FleetChildResult> => {
  const env = { GRACEFUL_STOP_TIME_SCALE: String(spec.timeScale), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true' };
  const child = await spawnChild<FleetChildResult>(join(benchDir, 'fleet-child.mjs'), spec, env, CHILD_TIMEOUT_MS);
  if (!child.result) throw new Error(child.error ?? 'no result');
  return child.result;
};

/**
 * Every case: the fleet measured on the simulator, side by side with the previous design (children
 * in a Map at 40) and a plain SDK loop, both modelled from one measured graceful stop per drain and
 * the fleet's measured listing.
 */
export async function measureFleet(benchDir: string, functionsDir: string, log: (text: string) => void): Promise<FleetRow[]> {
  const children = new Map<number, FleetChildResult>();
  const rows: FleetRow[] = [];
  for (const fleetCase of FLEET_CASES) {
    const base = { ...fleetCase, signalRate: FLEET_SIGNAL_RATE, functionsDir };
    try {
      let child = children.get(fleetCase.drainSeconds);
      if (!child) {
        log(`fleet: one graceful stop of a ${fleetCase.drainSeconds} s drain (the previous design's child)`);
        child = await run(benchDir, { ...base, runs: 1, mode: 'child', timeScale: CHILD_TIME_SCALE });
        children.set(fleetCase.drainSeconds, child);
      }
      log(`fleet: ${fleetCase.runs} runs, ${fleetCase.drainSeconds} s drains, R = ${FLEET_SIGNAL_RATE}, time scale ${fleetTimeScale(fleetCase.runs)}`);
      const fleet = await run(benchDir, { ...base, mode: 'fleet', timeScale: fleetTimeScale(fleetCase.runs) });
      log(`fleet: done in ${Math.round(fleet.realSeconds)} s real`);
      const parts = { child: { ...child.figures, childSeconds: child.childSeconds ?? Number.NaN }, listingSeconds: fleet.listingSeconds, listingCalls: fleet.listingCalls };
      rows.push({ ...fleetCase, signalRate: FLEET_SIGNAL_RATE, listingSeconds: fleet.listingSeconds, designs: [fleet.figures, modelPreviousDesign(fleetCase, parts), modelSdkLoop(fleetCase, parts)] });
    } catch (error) {
      rows.push({ ...fleetCase, signalRate: FLEET_SIGNAL_RATE, listingSeconds: Number.NaN, designs: [], error: error instanceof Error ? error.message : String(error) });
    }
  }
  return rows;
}

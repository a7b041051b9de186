/**
 * Child process of the fleet bench, started by bench/run.ts. Mode 'fleet': a stop-all of many runs,
 * measured (measure-fleet.ts). Mode 'child': one graceful stop of one run, measured (measure-one-stop.ts).
 */
import { readChildSpec, runChild } from '#bench/support/child-protocol.js';
import { memoryGbOf } from '#bench/support/prices.js';
import { STOP_ALL_FUNCTIONS } from '#local/engine/stop-all.js';
import { measureFleet } from './measure-fleet.js';
import { measureOneStop } from './measure-one-stop.js';
import type { FleetChildSpec } from './types.js';

// Memory of each stop-all function, checked at load: the GB-seconds above are priced with it.
for (const logicalId of Object.keys(STOP_ALL_FUNCTIONS)) memoryGbOf(logicalId);

runChild(async () => {
  const spec = readChildSpec<FleetChildSpec>();
  return spec.mode === 'fleet' ? measureFleet(spec) : measureOneStop(spec);
});

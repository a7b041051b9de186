/** A stop-all's counts as a cycle hands them on: for the CLI's views, which only read them. */
import type { FleetProgress } from '#stop-all/model.js';

export const fleetProgress = (overrides: Partial<FleetProgress> = {}): FleetProgress => ({
  selected: 2,
  toSignal: 2,
  signalled: 0,
  accepted: 0,
  takenIn: 0,
  draining: 2,
  ended: {},
  timedOut: 0,
  errored: 0,
  released: 0,
  elapsedSeconds: 0,
  typicalDrainSeconds: null,
  etaSeconds: null,
  signalling: true,
  done: false,
  nextWaitSeconds: 0,
  wakeable: true,
  cycles: 0,
  ...overrides,
});

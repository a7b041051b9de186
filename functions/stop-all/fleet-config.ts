/** What the stop-all functions read from their environment, once at load. */
import { requireEnv, requireIntegerEnv } from '#commons/config.js';
import { createObjectStore } from '#commons/object-store.js';
import { SETTING_BOUNDS, readRequestDefaults } from '#commons/settings.js';
import { s3LedgerStore, type LedgerStore } from './ledger.js';

/** The deployment's bucket for fleet ledgers (FleetLedgerBucket). */
export function createLedgerStore(env: NodeJS.ProcessEnv = process.env): LedgerStore {
  return s3LedgerStore(createObjectStore({ bucket: requireEnv('FLEET_LEDGER_BUCKET', env), env }));
}

/** The deployment's defaults for a stop-all request: deadline, grace, and pace. */
export function readFleetDefaults(env: NodeJS.ProcessEnv = process.env) {
  return {
    ...readRequestDefaults(env),
    signalRatePerSecond: requireIntegerEnv('DEFAULT_SIGNAL_RATE_PER_SECOND', SETTING_BOUNDS.DEFAULT_SIGNAL_RATE_PER_SECOND, env),
  };
}

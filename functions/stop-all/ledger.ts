import { NamedError, isErrorNamed } from '#commons/errors.js';
import type { ObjectStore } from '#commons/object-store.js';
import type { FleetLedger, LedgerRef } from './model.js';

/** The ledger could not be read back (deleted, or not a ledger): the fleet's state is lost. */
export class LedgerUnreadable extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('LedgerUnreadable', message, cause);
  }
}

/** Where the fleet's ledgers are kept; the states of one stop-all execution read and write one in turn. */
export interface LedgerStore {
  read(ref: LedgerRef): Promise<FleetLedger>;
  write(ref: LedgerRef, ledger: FleetLedger): Promise<void>;
  /** s3://bucket/key, for the report. */
  location(ref: LedgerRef): string;
}

/** One ledger per stop-all execution, named by the execution (its name is unique in its state machine). */
export function ledgerRefOf(executionId: string): LedgerRef {
  const name = executionId.split(':').pop() || executionId;
  return { key: `stop-all/${name.replace(/[^A-Za-z0-9._-]/g, '_')}/ledger.json` };
}

export function parseLedger(text: string, where: string): FleetLedger {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LedgerUnreadable(`The fleet ledger ${where} is not JSON; expected the ledger stop-all wrote.`, error);
  }
  const ledger = parsed as Partial<FleetLedger> | null;
  if (!ledger || ledger.version !== 1 || !Array.isArray(ledger.runs) || typeof ledger.nextSignal !== 'number') {
    throw new LedgerUnreadable(`The fleet ledger ${where} is not a version 1 ledger; expected the ledger stop-all wrote.`);
  }
  return ledger as FleetLedger;
}

/** The ledger as an S3 object (JSON): about 250 bytes a run, so 10,000 runs are 2.5 MB. */
export function s3LedgerStore(objects: ObjectStore): LedgerStore {
  return {
    location: (ref) => objects.location(ref.key),
    async read(ref) {
      let text: string;
      try {
        text = await objects.get(ref.key);
      } catch (error) {
        if (isErrorNamed(error, 'NoSuchKey'))
          throw new LedgerUnreadable(
            `The fleet ledger ${objects.location(ref.key)} does not exist; expected the one the listing wrote (was it deleted?).`,
            error,
          );
        throw error;
      }
      return parseLedger(text, objects.location(ref.key));
    },
    async write(ref, ledger) {
      await objects.put(ref.key, JSON.stringify(ledger));
    },
  };
}

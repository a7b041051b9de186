import { join } from 'node:path';
import type { LocalHandler } from './functions.js';
import { loadBuiltBundles } from './load-handlers.js';
import { projectRoot } from './paths.js';
import { templateStateMachine, type LocalStateMachine } from './runner.js';

/**
 * The stop-all Lambda functions by logical id (as in template.yaml and the
 * stop-all ASL's `${<LogicalId>Arn}` substitutions) and their handler file
 * name. They are not part of the graceful-stop machine, hence their own
 * table; a template test keeps it and template.yaml in step.
 */
export const STOP_ALL_FUNCTIONS = {
  ListRunningExecutionsFunction: 'list-running-executions',
  SignalAndSweepFunction: 'signal-and-sweep',
  SummariseStopAllFunction: 'summarise-stop-all',
  WaitForRunEventsFunction: 'wait-for-run-events',
} as const;

export type StopAllFunctionLogicalId = keyof typeof STOP_ALL_FUNCTIONS;
export type StopAllHandlerTable = Record<StopAllFunctionLogicalId, LocalHandler>;

export const STOP_ALL_STATE_MACHINE_NAME = 'stop-all';
export const stopAllDefinitionPath = join(projectRoot, 'statemachine', 'stop-all.asl.json');

/**
 * The stop-all ASL on the embedded engine, its Lambda tasks served by `handlers` (the ledger in the
 * local S3); a spoke of an organization names it as its stack does (graceful-stop-all-spoke).
 */
export function createStopAllMachine(
  handlers: StopAllHandlerTable,
  name: string = STOP_ALL_STATE_MACHINE_NAME,
  scope?: { accountId: string; region: string },
): LocalStateMachine {
  return templateStateMachine(stopAllDefinitionPath, name, STOP_ALL_FUNCTIONS, handlers, scope);
}

/** Loads the stop-all bundles from dist/functions (what `npm run build` and `sam build` produce). */
export function loadBuiltStopAllHandlers(distDir?: string): Promise<StopAllHandlerTable> {
  return loadBuiltBundles(STOP_ALL_FUNCTIONS, distDir);
}

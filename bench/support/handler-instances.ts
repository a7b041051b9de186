import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GRACEFUL_STOP_FUNCTIONS, type FunctionLogicalId, type HandlerTable, type LocalHandler } from '#local/engine/functions.js';
import { applyFunctionEnvironment } from '#local/engine/load-handlers.js';

/** The functions that call SageMaker get copies; the others (no SDK calls here) are shared. */
const ISOLATED: readonly FunctionLogicalId[] = [
  'StopPipelineExecutionFunction',
  'CheckPipelineExecutionFunction',
  'ReleaseCallbackStepsFunction',
];

const urlOf = (functionsDir: string, file: string, instance: number): string =>
  `${pathToFileURL(join(functionsDir, `${file}.mjs`)).href}?instance=${instance}`;

/**
 * Several independent copies of the handler bundles, like warm Lambda
 * containers: each copy is its own module instance (a `?instance=` query makes
 * Node load the file again), so each has its own SageMaker client with its own
 * adaptive-retry rate limiter. A graceful stop keeps its copy for every call,
 * the copies are handed out round robin. Only the functions that call SageMaker
 * are copied.
 */
export async function loadHandlerInstances(functionsDir: string, instances: number): Promise<HandlerTable> {
  applyFunctionEnvironment();
  const copies: HandlerTable[] = [];
  for (let instance = 0; instance < instances; instance += 1) {
    const table = {} as HandlerTable;
    for (const [logicalId, file] of Object.entries(GRACEFUL_STOP_FUNCTIONS) as [FunctionLogicalId, string][]) {
      const url = urlOf(functionsDir, file, ISOLATED.includes(logicalId) ? instance : 0);
      table[logicalId] = ((await import(url)) as { handler: LocalHandler }).handler;
    }
    copies.push(table);
  }
  const assigned = new Map<string, HandlerTable>();
  const copyFor = (event: unknown): HandlerTable => {
    const id = String((event as { executionId?: unknown } | null)?.executionId ?? '');
    let copy = assigned.get(id);
    if (!copy) {
      copy = copies[assigned.size % copies.length]!;
      assigned.set(id, copy);
    }
    return copy;
  };
  const dispatching = {} as HandlerTable;
  for (const logicalId of Object.keys(GRACEFUL_STOP_FUNCTIONS) as FunctionLogicalId[]) {
    dispatching[logicalId] = (event, context) => copyFor(event)[logicalId](event, context);
  }
  return dispatching;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { SageMakerError, validationError } from './errors.js';
import { FaultSpecError, type FaultController } from './faults.js';
import { parseJsonObject, readBody, sendError, sendJson } from './protocol.js';
import type { SimulatorStatsSnapshot } from './stats.js';

/**
 * Test-control endpoints next to the SageMaker API (plain JSON):
 *   GET    /_simulator/stats
 *   GET    /_simulator/faults
 *   POST   /_simulator/faults   {"operation": "StopPipelineExecution" | "*", ...FaultSpec}
 *   DELETE /_simulator/faults[?operation=Name]
 */
export const ADMIN_PREFIX = '/_simulator/';
const JSON_TYPE = 'application/json';

export interface AdminDependencies {
  faults: FaultController;
  stats: () => SimulatorStatsSnapshot;
}

export async function handleAdminRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  deps: AdminDependencies,
): Promise<void> {
  try {
    const route = `${request.method ?? 'GET'} ${url.pathname}`;
    switch (route) {
      case 'GET /_simulator/stats':
        return sendJson(response, 200, deps.stats(), JSON_TYPE);
      case 'GET /_simulator/faults':
        return sendJson(response, 200, { faults: deps.faults.list() }, JSON_TYPE);
      case 'POST /_simulator/faults': {
        const { operation, ...spec } = parseJsonObject(await readBody(request));
        if (typeof operation !== 'string') throw validationError(`"operation" is required: '*' or a SageMaker operation name`);
        deps.faults.set(operation, spec);
        return sendJson(response, 200, { faults: deps.faults.list() }, JSON_TYPE);
      }
      case 'DELETE /_simulator/faults': {
        const operation = url.searchParams.get('operation');
        deps.faults.clear(operation ?? undefined);
        return sendJson(response, 200, { faults: deps.faults.list() }, JSON_TYPE);
      }
      default:
        return sendError(response, new SageMakerError('NotFound', `No admin route ${route}`, 404), JSON_TYPE);
    }
  } catch (error) {
    if (error instanceof FaultSpecError) return sendError(response, validationError(error.message), JSON_TYPE);
    if (error instanceof SageMakerError) return sendError(response, error, JSON_TYPE);
    throw error;
  }
}

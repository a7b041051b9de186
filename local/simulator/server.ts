import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleAdminRequest, ADMIN_PREFIX, type AdminDependencies } from './admin-api.js';
import type { SimulationClock } from './clock.js';
import { SageMakerError } from './errors.js';
import type { FaultAction, FaultController } from './faults.js';
import { findOperation, type OperationContext } from '#local/simulator/operations/index.js';
import { internalFailure, operationFromTarget, parseJsonObject, readBody, sendError, sendJson } from './protocol.js';
import type { SimulatorStats } from './stats.js';

export interface ServerDependencies {
  context: OperationContext;
  faults: FaultController;
  stats: SimulatorStats;
  clock: SimulationClock;
  admin: AdminDependencies;
  /** Responses held open by the `hang` fault, so closing the simulator can end them. */
  hanging: Set<ServerResponse>;
}

/** The HTTP front door: routes to admin or SageMaker operations, injects faults, never lets an error escape. */
export function createSimulatorServer(deps: ServerDependencies): Server {
  return createServer((request, response) => {
    handleRequest(request, response, deps).catch((error: unknown) => {
      const answer = error instanceof SageMakerError ? error : internalFailure();
      if (!(error instanceof SageMakerError)) console.error('[sagemaker-simulator] unexpected error', error);
      deps.stats.countError(answer.code);
      sendError(response, answer);
    });
  });
}

async function handleRequest(request: IncomingMessage, response: ServerResponse, deps: ServerDependencies): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://simulator.local');
  if (url.pathname.startsWith(ADMIN_PREFIX)) return handleAdminRequest(request, response, url, deps.admin);

  const bodyText = await readBody(request);
  if (request.method !== 'POST' || url.pathname !== '/') {
    throw new SageMakerError('UnknownOperationException', `The simulator answers POST / only, not ${request.method} ${url.pathname}.`, 404);
  }
  const target = request.headers['x-amz-target'];
  const operation = operationFromTarget(target);
  const handler = operation === undefined ? undefined : findOperation(operation);
  if (operation === undefined || handler === undefined) {
    const shown = typeof target === 'string' ? target : '(missing X-Amz-Target header)';
    throw new SageMakerError('UnknownOperationException', `Unknown operation ${shown}.`);
  }
  deps.stats.countCall(operation);

  const fault = deps.faults.decide(operation);
  if (fault.latencyMs > 0) {
    deps.stats.countFault('latency');
    await deps.clock.sleepRealMilliseconds(fault.latencyMs);
  }
  if (fault.action !== 'none') {
    deps.stats.countFault(fault.action);
    if (fault.action === 'connectionReset') {
      request.socket.destroy();
      return;
    }
    if (fault.action === 'hang') {
      // Never answer: the socket stays open until the client gives up (or the simulator closes).
      deps.hanging.add(response);
      response.once('close', () => deps.hanging.delete(response));
      return;
    }
    if (fault.action === 'htmlServerError') {
      sendHtmlError(response, fault.status ?? 502);
      return;
    }
    throw injectedError(fault.action, operation, deps.context.scope.accountId);
  }
  sendJson(response, 200, handler(parseJsonObject(bodyText), deps.context));
}

/** What a proxy or load balancer in front of the API answers: an HTML page, not an AWS error document. */
function sendHtmlError(response: ServerResponse, status: number): void {
  const title = `${status} ${STATUS_CODES[status] ?? 'Server Error'}`;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
  response.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function injectedError(
  action: Exclude<FaultAction, 'none' | 'connectionReset' | 'hang' | 'htmlServerError'>,
  operation: string,
  accountId: string,
): SageMakerError {
  switch (action) {
    case 'throttle':
      return new SageMakerError('ThrottlingException', 'Rate exceeded');
    case 'serverError':
      return internalFailure();
    case 'accessDenied':
      return new SageMakerError(
        'AccessDeniedException',
        `User: arn:aws:sts::${accountId}:assumed-role/simulated-role/simulator is not authorized to perform: sagemaker:${operation} (injected fault)`,
      );
    case 'conflict':
      return new SageMakerError(
        'ConflictException',
        `The resource is being modified by another request; retry ${operation} (injected fault).`,
      );
  }
}

/**
 * The local cloud's HTTP listeners (the local Step Functions API, the organization's front, the
 * bench's router), one way: on 127.0.0.1 unless told, bounded - a client that stops talking is cut
 * off - and closed with their connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An endpoint that does not answer a forwarded request within this is a fault, reported as one. */
const FORWARD_TIMEOUT_MS = 30_000;

export interface Listener {
  endpoint: string;
  close(): Promise<void>;
}

export async function listen(
  handle: (request: IncomingMessage, response: ServerResponse) => void,
  options: { host?: string; port?: number } = {},
): Promise<Listener> {
  const server = createServer(handle);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Hands a request (its AWS JSON target and content type, and its body) on to another local endpoint
 * and its answer back as it came; bounded, and a dead endpoint rejects.
 */
export async function forward(endpoint: string, request: IncomingMessage, body: string, response: ServerResponse): Promise<void> {
  const contentType = String(request.headers['content-type'] ?? 'application/x-amz-json-1.0');
  const answer = await fetch(endpoint, {
    method: 'POST',
    headers: { 'x-amz-target': String(request.headers['x-amz-target'] ?? ''), 'content-type': contentType },
    body,
    signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
  });
  const payload = await answer.text();
  if (response.headersSent || response.destroyed) return;
  response.writeHead(answer.status, {
    'content-type': answer.headers.get('content-type') ?? contentType,
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

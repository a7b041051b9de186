/**
 * A pass-through HTTP proxy in front of SageMaker simulators, for code that
 * can only be given ONE endpoint (the handler bundles read it once):
 *
 * - routing: each simulator serves its own account id; a call goes to the
 *   simulator whose account is in its ARN (`PipelineExecutionArn`,
 *   `PipelineArn`, `PipelineName`), or that a callback token was registered
 *   for. So independent tests get independent simulators (and faults).
 * - hooks: act at an exact point of a conversation, e.g. "just before the
 *   release's SendPipelineExecutionStepFailure for token X is forwarded,
 *   answer X myself".
 *
 * Bodies are forwarded byte for byte; a connection the simulator resets is
 * reset towards the client too, so injected faults look the same through the
 * proxy. A call with no route gets HTTP 400 `InterceptorNoRoute`, a name no
 * product code handles. Bound to 127.0.0.1.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A JSON 1.1 call as it passes the proxy. */
export interface InterceptedCall {
  /** `StopPipelineExecution`, ... (from X-Amz-Target). */
  operation: string;
  body: Record<string, unknown>;
}

export interface SageMakerInterceptor {
  endpoint: string;
  /** Sends calls about `accountId`'s ARNs to `endpoint`. */
  route(accountId: string, endpoint: string): void;
  /** Sends calls carrying `token` (SendPipelineExecutionStep*) where `accountId`'s calls go. */
  routeToken(token: string, accountId: string): void;
  /** Forgets an account's route and its tokens. */
  unroute(accountId: string): void;
  /**
   * Runs `action` (awaited) before the first call matching `matches` is
   * forwarded; then the hook is spent. Returns a promise that resolves
   * once the hook has run.
   */
  beforeForward(matches: (call: InterceptedCall) => boolean, action: (call: InterceptedCall) => Promise<void>): Promise<InterceptedCall>;
  /** Calls forwarded so far, by operation. */
  forwarded(): Record<string, number>;
  close(): Promise<void>;
}

interface Hook {
  matches: (call: InterceptedCall) => boolean;
  action: (call: InterceptedCall) => Promise<void>;
  done: (call: InterceptedCall) => void;
  failed: (error: unknown) => void;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parseCall(headers: IncomingMessage['headers'], body: Buffer): InterceptedCall {
  const target = String(headers['x-amz-target'] ?? '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    parsed = {};
  }
  const json = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  return { operation: target.split('.').pop() ?? '', body: json };
}

const ACCOUNT_IN_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:(\d{12}):/;

function accountOf(call: InterceptedCall, tokens: Map<string, string>): string | undefined {
  for (const field of ['PipelineExecutionArn', 'PipelineArn', 'PipelineName']) {
    const value = call.body[field];
    const account = typeof value === 'string' ? ACCOUNT_IN_ARN.exec(value)?.[1] : undefined;
    if (account) return account;
  }
  const token = call.body.CallbackToken;
  return typeof token === 'string' ? tokens.get(token) : undefined;
}

function noRoute(response: ServerResponse, call: InterceptedCall): void {
  response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify({ __type: 'InterceptorNoRoute', message: `No simulator is routed for this ${call.operation} call.` }));
}

export async function startSageMakerInterceptor(): Promise<SageMakerInterceptor> {
  const routes = new Map<string, URL>();
  const tokens = new Map<string, string>();
  const agent = new Agent({ keepAlive: true });
  const hooks: Hook[] = [];
  const counts: Record<string, number> = {};
  const sockets = new Set<Socket>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const call = parseCall(request.headers, body);
    const hook = hooks.find((candidate) => candidate.matches(call));
    if (hook) {
      hooks.splice(hooks.indexOf(hook), 1);
      try {
        await hook.action(call);
        hook.done(call);
      } catch (error) {
        hook.failed(error);
      }
    }
    counts[call.operation] = (counts[call.operation] ?? 0) + 1;
    const account = accountOf(call, tokens);
    const target = account === undefined ? undefined : routes.get(account);
    if (!target) {
      noRoute(response, call);
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers, agent },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    // The simulator reset the connection (injected fault): reset the client's too.
    upstream.on('error', () => request.socket.destroy());
    upstream.end(body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    route: (accountId, endpoint) => void routes.set(accountId, new URL(endpoint)),
    routeToken: (token, accountId) => void tokens.set(token, accountId),
    unroute(accountId) {
      routes.delete(accountId);
      for (const [token, account] of tokens) if (account === accountId) tokens.delete(token);
    },
    beforeForward(matches, action) {
      return new Promise((done, failed) => hooks.push({ matches, action, done, failed }));
    },
    forwarded: () => ({ ...counts }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

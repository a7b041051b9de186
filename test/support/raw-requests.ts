/** Raw HTTP calls, for what an SDK would never send (bad JSON, unknown targets). */
export interface RawAnswer {
  status: number;
  contentType: string | null;
  body: Record<string, unknown>;
}

export async function postRaw(endpoint: string, target: string | undefined, body: string): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1' };
  if (target !== undefined) headers['X-Amz-Target'] = target;
  const response = await fetch(`${endpoint}/`, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

export async function adminCall(endpoint: string, method: string, path: string, body?: unknown): Promise<RawAnswer> {
  const response = await fetch(`${endpoint}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(5_000),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

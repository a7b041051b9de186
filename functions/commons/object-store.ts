/**
 * One S3 object, read and written whole: what stop-all's fleet ledger needs, and no more. Signed
 * with SigV4 by aws4fetch (a few KB) instead of the S3 client, which would add about 170 KB to
 * every function that keeps a ledger; the region's DNS suffix comes from the SDK's own partition
 * table, so any partition works. Every request is bounded like the SDK clients' (connection and
 * request timeouts, three attempts), and every failure is named so the ASL retries it by name.
 */
import { partition } from '@aws-sdk/core/client';
import { AwsClient } from 'aws4fetch';
import { NamedError, isErrorNamed } from './errors.js';
import { CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS, SDK_MAX_ATTEMPTS } from './clients.js';
import { CredentialsMissing, NETWORK_ERROR_CODES, NetworkError, RegionMissing, ServerErrorResponse } from './service-errors.js';

/** S3 answered with an error document (NoSuchKey, AccessDenied, ...): named by its Code. */
export class S3Error extends NamedError {
  constructor(
    code: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(code, message);
  }
}

export interface ObjectStore {
  get(key: string): Promise<string>;
  put(key: string, body: string): Promise<void>;
  /** Deletes the object; deleting one that is not there is not an error (S3 answers 204 either way). */
  delete(key: string): Promise<void>;
  /** The keys under `prefix`, at most `maxKeys` (one ListObjectsV2 call, ≤ 1,000). */
  list(prefix: string, maxKeys: number): Promise<string[]>;
  /** s3://bucket/key */
  location(key: string): string;
}

export interface ObjectStoreOptions {
  bucket: string;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof globalThis.fetch;
}

const xmlField = (text: string, field: string): string | undefined => new RegExp(`<${field}>([^<]*)</${field}>`).exec(text)?.[1];
const BACKOFF_MS = [100, 200];
const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (text: string): string => text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name] ?? '');

/** The object's URL: path style on an endpoint override (AWS_ENDPOINT_URL_S3, the local emulator), else the bucket's regional host. */
export function objectUrl(bucket: string, key: string, region: string, endpoint?: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/${bucket}/${path}`;
  return `https://${bucket}.s3.${region}.${partition(region).dnsSuffix}/${path}`;
}

export function createObjectStore(options: ObjectStoreOptions): ObjectStore {
  const env = options.env ?? process.env;
  // Looked up at each call, not at creation: the local cloud may stand in for S3 after the handlers loaded.
  const doFetch: typeof globalThis.fetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);
  const client = (): AwsClient => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new CredentialsMissing();
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (!region) throw new RegionMissing();
    const session = env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {};
    // Retries are ours (withRetries below), bounded; every fetch has a timeout.
    return new AwsClient({ accessKeyId, secretAccessKey, ...session, service: 's3', region, retries: 0 });
  };
  const url = (key: string): string =>
    objectUrl(options.bucket, key, env.AWS_REGION || env.AWS_DEFAULT_REGION || '', env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
  type Method = 'GET' | 'PUT' | 'DELETE';

  /** `key` is an object key, or `?query` on the bucket itself (a listing). */
  const once = async (method: Method, key: string, body?: string): Promise<string> => {
    const signer = client();
    const target = key.startsWith('?') ? `${url('')}${key}` : url(key);
    const request = await signer.sign(target, {
      method,
      ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
    });
    let response: Response;
    try {
      // One bound for connecting and answering: fetch has no separate connection timeout.
      response = await doFetch(request, { signal: AbortSignal.timeout(CONNECTION_TIMEOUT_MS + REQUEST_TIMEOUT_MS) });
    } catch (error) {
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      if (typeof code === 'string' && (NETWORK_ERROR_CODES as readonly string[]).includes(code))
        throw new NetworkError(code, `S3 ${method} ${key}: ${code}`, error);
      if (isErrorNamed(error, 'TimeoutError', 'AbortError')) {
        throw new NetworkError(
          'TimeoutError',
          `S3 ${method} ${key} got no answer in ${CONNECTION_TIMEOUT_MS + REQUEST_TIMEOUT_MS} ms.`,
          error,
        );
      }
      throw error;
    }
    const text = await response.text();
    if (response.ok) return text;
    const code = xmlField(text, 'Code');
    const message = `S3 ${method} s3://${options.bucket}/${key}: ${response.status} ${code ?? ''} ${xmlField(text, 'Message') ?? ''}`
      .replace(/\s+/g, ' ')
      .trim();
    if (response.status >= 500) throw new ServerErrorResponse(response.status, message);
    throw new S3Error(code ?? `Http${response.status}`, response.status, message);
  };

  const withRetries = async (method: Method, key: string, body?: string): Promise<string> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once(method, key, body);
      } catch (error) {
        const transient = error instanceof ServerErrorResponse || error instanceof NetworkError;
        if (!transient || attempt >= SDK_MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS[attempt - 1] ?? 200));
      }
    }
  };

  return {
    get: (key) => withRetries('GET', key),
    put: async (key, body) => {
      await withRetries('PUT', key, body);
    },
    delete: async (key) => {
      await withRetries('DELETE', key);
    },
    list: async (prefix, maxKeys) => {
      const query = new URLSearchParams({ 'list-type': '2', prefix, 'max-keys': String(Math.min(1000, Math.max(1, maxKeys))) });
      const text = await withRetries('GET', `?${query.toString()}`);
      return [...text.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => unescapeXml(match[1] ?? ''));
    },
    location: (key) => `s3://${options.bucket}/${key}`,
  };
}

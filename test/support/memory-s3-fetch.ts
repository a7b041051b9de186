/**
 * S3 in memory, behind `fetch`: the mocked suites' handlers keep stop records and wait tokens
 * (aws4fetch, which aws-sdk-client-mock cannot intercept) without a network. Only requests to S3
 * hosts are answered here; anything else goes to the real fetch.
 */
import { MemoryObjects } from './memory-objects.js';

const S3_HOST = /^([a-z0-9.-]+)\.s3\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

export interface MemoryS3 {
  objects: MemoryObjects;
  restore(): void;
}

/** Replaces globalThis.fetch for S3 until `restore()`. */
export function useMemoryS3(): MemoryS3 {
  const objects = new MemoryObjects();
  const realFetch = globalThis.fetch;
  const answer = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const key = decodeURIComponent(url.pathname.slice(1));
    try {
      if (request.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
        const keys = await objects.list(url.searchParams.get('prefix') ?? '', Number(url.searchParams.get('max-keys') ?? 1000));
        return new Response(
          `<ListBucketResult>${keys.map((name) => `<Contents><Key>${name}</Key></Contents>`).join('')}</ListBucketResult>`,
          { status: 200 },
        );
      }
      if (request.method === 'GET') return new Response(await objects.get(key), { status: 200 });
      if (request.method === 'PUT') {
        await objects.put(key, await request.text());
        return new Response('', { status: 200 });
      }
      if (request.method === 'DELETE') {
        await objects.delete(key);
        return new Response(null, { status: 204 });
      }
    } catch (error) {
      const code = (error as { name?: string }).name ?? 'InternalError';
      return new Response(`<Error><Code>${code}</Code><Message>${(error as Error).message}</Message></Error>`, {
        status: code === 'NoSuchKey' ? 404 : 500,
      });
    }
    return new Response('<Error><Code>MethodNotAllowed</Code></Error>', { status: 405 });
  };
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (!S3_HOST.test(new URL(request.url).hostname)) return realFetch(input, init);
    return answer(request);
  }) as typeof globalThis.fetch;
  return {
    objects,
    restore: () => {
      globalThis.fetch = realFetch;
    },
  };
}

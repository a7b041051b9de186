/**
 * The S3 requests of the functions in this process (stop records, wait tokens, end records, fleet
 * ledgers), counted by kind where they leave: the object store looks up `fetch` at each call.
 */
export type S3RequestCounts = Record<string, number>;

/** Counts every request to the S3 endpoint (read at each request) from now on: GET, PUT, LIST, DELETE. */
export function countS3Requests(s3Endpoint: () => string | undefined = () => process.env.AWS_ENDPOINT_URL_S3): S3RequestCounts {
  const counts: S3RequestCounts = {};
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const endpoint = s3Endpoint();
    if (endpoint && request.url.startsWith(endpoint)) {
      const kind = request.method === 'GET' && new URL(request.url).searchParams.has('list-type') ? 'LIST' : request.method;
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    return realFetch(input, init);
  }) as typeof globalThis.fetch;
  return counts;
}

/** Counts per stop, to a tenth. */
export const perStop = (counts: S3RequestCounts, stops: number): S3RequestCounts =>
  Object.fromEntries(Object.entries(counts).map(([kind, count]) => [kind, Math.round((count / Math.max(1, stops)) * 10) / 10]));

/** functions/commons/object-store.ts: one S3 object read and written whole, signed, bounded, named, in any partition. */
import { describe, expect, it } from 'vitest';
import { createObjectStore, objectUrl } from '#commons/object-store.js';

const ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session', AWS_REGION: 'eu-central-1' };

/** A fetch that records each request and answers from a script, one answer per call. */
function scriptedFetch(...answers: Array<(() => Response) | Error>) {
  const requests: Request[] = [];
  const fetch = (async (input: Request) => {
    requests.push(input);
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
    if (answer instanceof Error) throw answer;
    return answer?.() ?? new Response('', { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}
const xmlError = (status: number, code: string, message: string) => (): Response =>
  new Response(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`, { status });

describe('objectUrl', () => {
  it.each([
    ['us-east-1', 'https://ledgers.s3.us-east-1.amazonaws.com/stop-all/run%201/ledger.json'],
    ['cn-north-1', 'https://ledgers.s3.cn-north-1.amazonaws.com.cn/stop-all/run%201/ledger.json'],
    ['us-gov-west-1', 'https://ledgers.s3.us-gov-west-1.amazonaws.com/stop-all/run%201/ledger.json'],
    ['eusc-de-east-1', 'https://ledgers.s3.eusc-de-east-1.amazonaws.eu/stop-all/run%201/ledger.json'],
  ])("addresses the bucket in %s on its partition's domain", (region, expected) => {
    expect(objectUrl('ledgers', 'stop-all/run 1/ledger.json', region)).toBe(expected);
  });

  it('uses path style on an endpoint override (the local emulator)', () => {
    expect(objectUrl('ledgers', 'stop-all/x/ledger.json', 'us-east-1', 'http://127.0.0.1:4566/')).toBe(
      'http://127.0.0.1:4566/ledgers/stop-all/x/ledger.json',
    );
  });
});

describe('createObjectStore', () => {
  it('signs a PUT and a GET with SigV4 for s3 in the region, with the session token', async () => {
    // Prepare
    const { fetch, requests } = scriptedFetch(
      () => new Response('', { status: 200 }),
      () => new Response('{"version":1}', { status: 200 }),
    );
    const store = createObjectStore({ bucket: 'ledgers', env: ENV, fetch });

    // Act
    await store.put('stop-all/x/ledger.json', '{"version":1}');
    const text = await store.get('stop-all/x/ledger.json');

    // Assess
    expect(text).toBe('{"version":1}');
    expect(requests.map((request) => [request.method, request.url])).toEqual([
      ['PUT', 'https://ledgers.s3.eu-central-1.amazonaws.com/stop-all/x/ledger.json'],
      ['GET', 'https://ledgers.s3.eu-central-1.amazonaws.com/stop-all/x/ledger.json'],
    ]);
    expect(requests[0]?.headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/s3\/aws4_request, /,
    );
    expect(requests[0]?.headers.get('x-amz-security-token')).toBe('session');
    expect(store.location('stop-all/x/ledger.json')).toBe('s3://ledgers/stop-all/x/ledger.json');
  });

  it('names an S3 error by its Code and does not retry it', async () => {
    // Prepare
    const { fetch, requests } = scriptedFetch(xmlError(404, 'NoSuchKey', 'The specified key does not exist.'));
    const store = createObjectStore({ bucket: 'ledgers', env: ENV, fetch });

    // Act
    const read = store.get('stop-all/gone/ledger.json');

    // Assess
    await expect(read).rejects.toMatchObject({
      name: 'NoSuchKey',
      statusCode: 404,
      message: expect.stringContaining('s3://ledgers/stop-all/gone/ledger.json: 404 NoSuchKey The specified key does not exist.'),
    });
    expect(requests).toHaveLength(1);
  });

  it('retries a 5xx and a refused connection, three attempts in all, then throws them by name for the ASL Retry', async () => {
    // Prepare
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const flaky = scriptedFetch(xmlError(503, 'SlowDown', 'Reduce your request rate.'), refused, () => new Response('ok', { status: 200 }));
    const down = scriptedFetch(xmlError(500, 'InternalError', 'We encountered an internal error.'));

    // Act
    const recovered = await createObjectStore({ bucket: 'ledgers', env: ENV, fetch: flaky.fetch }).get('k');
    const failed = createObjectStore({ bucket: 'ledgers', env: ENV, fetch: down.fetch }).get('k');

    // Assess
    expect(recovered).toBe('ok');
    expect(flaky.requests).toHaveLength(3);
    await expect(failed).rejects.toMatchObject({ name: 'ServerErrorResponse', statusCode: 500 });
    expect(down.requests).toHaveLength(3);
  });

  it('turns a request that gets no answer in time into TimeoutError', async () => {
    // Prepare
    const timedOut = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const { fetch } = scriptedFetch(timedOut);

    // Act
    const read = createObjectStore({ bucket: 'ledgers', env: ENV, fetch }).get('k');

    // Assess
    await expect(read).rejects.toMatchObject({ name: 'TimeoutError', message: expect.stringMatching(/got no answer in \d+ ms/) });
  });

  it('says which setting is missing: credentials, or the region', async () => {
    // Act
    const noCredentials = createObjectStore({ bucket: 'b', env: { AWS_REGION: 'us-east-1' } }).get('k');
    const noRegion = createObjectStore({ bucket: 'b', env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's' } }).get('k');

    // Assess
    await expect(noCredentials).rejects.toMatchObject({ name: 'CredentialsMissing' });
    await expect(noRegion).rejects.toMatchObject({ name: 'RegionMissing' });
  });

  it('lists the keys under a prefix with ListObjectsV2 and deletes one object', async () => {
    // Prepare
    const listing =
      '<?xml version="1.0"?><ListBucketResult><Contents><Key>stops/a/1</Key></Contents><Contents><Key>stops/a/b&amp;c</Key></Contents></ListBucketResult>';
    const { fetch, requests } = scriptedFetch(
      () => new Response(listing, { status: 200 }),
      () => new Response(null, { status: 204 }),
    );
    const store = createObjectStore({ bucket: 'ledgers', env: ENV, fetch });

    // Act
    const keys = await store.list('stops/a/', 5000);
    await store.delete('stops/a/1');

    // Assess
    expect(keys).toEqual(['stops/a/1', 'stops/a/b&c']);
    expect(requests.map((request) => [request.method, request.url])).toEqual([
      ['GET', 'https://ledgers.s3.eu-central-1.amazonaws.com/?list-type=2&prefix=stops%2Fa%2F&max-keys=1000'],
      ['DELETE', 'https://ledgers.s3.eu-central-1.amazonaws.com/stops/a/1'],
    ]);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IssuerKeys } from '../../../lambda/adapters/issuer-keys';
import { KeyFetcher, KeySourceUnavailableError } from '../../../lambda/adapters/key-fetcher';

/**
 * `IssuerKeys` against a real HTTP server on 127.0.0.1 that serves a key set the test changes, with
 * a clock the test moves. `prepare` records the key sets it is handed, so a test can tell a
 * refresh from a cache hit.
 */
let server: Server;
let base: string;
let keySet: { status: number; body: string | Buffer };
let hits = 0;
let discoveryHits = 0;

const jwks = (...kids: string[]) =>
  JSON.stringify({ keys: kids.map((kid) => ({ kty: 'RSA', kid, n: 'AQAB', e: 'AQAB' })) });

/** `text` with its `@` replaced by a byte that is never UTF-8. */
function notUtf8(text: string): Buffer {
  const body = Buffer.from(text);
  body[body.indexOf('@')] = 0xff;
  return body;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/jwks') hits += 1;
    if (req.url === '/.well-known/openid-configuration') discoveryHits += 1;
    res.writeHead(keySet.status, { 'content-type': 'application/json' }).end(keySet.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let now: number;
beforeEach(() => {
  hits = 0;
  discoveryHits = 0;
  now = 1_000_000;
  keySet = { status: 200, body: jwks('k1') };
});

function keys(overrides: { maxAgeSeconds?: number; failureTtlSeconds?: number } = {}) {
  return new IssuerKeys({
    issuer: base,
    jwksUri: `${base}/jwks`,
    fetcher: new KeyFetcher({ timeoutMs: 500, policy: { runtime: 'local' } }),
    maxAgeSeconds: overrides.maxAgeSeconds ?? 60,
    failureTtlSeconds: overrides.failureTtlSeconds ?? 10,
    prepare: (fetched) => fetched.keys.map((key) => key.kid).join(','),
    now: () => now,
  });
}

describe('IssuerKeys', () => {
  it('serves the fetched key set until it is older than its maximum age, then fetches it again', async () => {
    const cache = keys({ maxAgeSeconds: 60 });

    await cache.forKid('k1');
    now += 59_999;
    await cache.forKid('k1');
    expect(hits).toBe(1);
    now += 1;
    await cache.forKid('k1');
    expect(hits).toBe(2);
  });

  it('replaces the whole key set on refresh, so a withdrawn key is gone from it', async () => {
    const cache = keys({ maxAgeSeconds: 60 });
    expect((await cache.forKid('k1')).prepared).toBe('k1');

    keySet = { status: 200, body: jwks('k2') };
    now += 60_000;
    const refreshed = await cache.forKid('k1');

    expect(refreshed.prepared).toBe('k2');
    expect(refreshed.kids.has('k1')).toBe(false);
  });

  it('fetches once for many concurrent requests', async () => {
    const cache = keys();

    await Promise.all(Array.from({ length: 20 }, () => cache.forKid('k1')));

    expect(hits).toBe(1);
  });

  it('fetches again for the first unknown kid at once: it may be a key just rotated in', async () => {
    const cache = keys();
    await cache.forKid('k1');
    keySet = { status: 200, body: jwks('k1', 'new') };

    expect((await cache.forKid('new')).kids.has('new')).toBe(true);
    expect(hits).toBe(2);
  });

  it('fetches for unknown kids at most once per 10 s', async () => {
    const cache = keys();
    await cache.forKid('k1');
    await cache.forKid('forged-1');

    now += 9_999;
    await cache.forKid('forged-2');
    expect(hits).toBe(2);
    now += 1;
    await cache.forKid('forged-3');
    expect(hits).toBe(3);
  });

  it('remembers a failed fetch for its TTL: callers get the failure at once, without a call', async () => {
    const cache = keys({ failureTtlSeconds: 10 });
    keySet = { status: 502, body: '<html>down</html>' };

    await expect(cache.forKid('k1')).rejects.toThrow(KeySourceUnavailableError);
    now += 4_000;
    const remembered = await cache.forKid('k1').catch((error: KeySourceUnavailableError) => error);

    expect(remembered).toBeInstanceOf(KeySourceUnavailableError);
    expect((remembered as KeySourceUnavailableError).retryAfterSeconds).toBe(6);
    expect(hits).toBe(1);
  });

  it('calls the issuer again once the failure has expired, and recovers', async () => {
    const cache = keys({ failureTtlSeconds: 10 });
    keySet = { status: 502, body: '<html>down</html>' };
    await expect(cache.forKid('k1')).rejects.toThrow(KeySourceUnavailableError);

    keySet = { status: 200, body: jwks('k1') };
    now += 10_000;

    await expect(cache.forKid('k1')).resolves.toMatchObject({ prepared: 'k1' });
    expect(hits).toBe(2);
  });

  it('does not use a stale key set whose refresh fails', async () => {
    const cache = keys({ maxAgeSeconds: 60 });
    await cache.forKid('k1');
    keySet = { status: 500, body: '' };
    now += 60_000;

    await expect(cache.forKid('k1')).rejects.toThrow(KeySourceUnavailableError);
  });

  it.each([
    ['not JSON', 'not json'],
    ['JSON without keys', '{"nokeys":[]}'],
    ['keys that are not JWKs', '{"keys":[{"kty":7}]}'],
    ['not UTF-8 (a bad byte inside a string)', notUtf8(jwks('k@1'))],
  ])('treats a key set that is %s as unavailable keys', async (_, body) => {
    keySet = { status: 200, body };

    const error = await keys()
      .forKid('k1')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KeySourceUnavailableError);
    expect((error as Error).message).toMatch(/^The key set is not a valid JWKS: /);
  });

  it('treats a key set it cannot prepare as unavailable keys, keeping the cause', async () => {
    const broken = new Error('cannot build a verifier');
    const cache = new IssuerKeys({
      issuer: base,
      jwksUri: `${base}/jwks`,
      fetcher: new KeyFetcher({ timeoutMs: 500, policy: { runtime: 'local' } }),
      maxAgeSeconds: 60,
      failureTtlSeconds: 10,
      prepare: () => {
        throw broken;
      },
      now: () => now,
    });

    const error = await cache.forKid('k1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KeySourceUnavailableError);
    expect((error as Error).message).toBe(`keys of ${base} unusable`);
    expect(((error as Error).cause as Error).cause).toBe(broken);
  });

  it('discovers the key set location once and remembers a failed discovery like a failed fetch', async () => {
    const discovering = new IssuerKeys({
      issuer: base,
      fetcher: new KeyFetcher({ timeoutMs: 500, policy: { runtime: 'local' } }),
      maxAgeSeconds: 60,
      failureTtlSeconds: 10,
      prepare: () => 'ready',
      now: () => now,
    });
    keySet = { status: 404, body: '' };

    await expect(discovering.forKid('k1')).rejects.toThrow(/openid-configuration: answered HTTP 404/);
    await expect(discovering.forKid('k1')).rejects.toThrow(/openid-configuration: answered HTTP 404/);
    expect(discoveryHits).toBe(1);
  });
});

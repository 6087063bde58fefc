import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeyFetcher, KeySourceUnavailableError } from '../../../lambda/adapters/key-fetcher';
import { discoverJwksUri } from '../../../lambda/adapters/oidc-discovery';

/** Discovery, fetching and parsing of key material against a real HTTP server on 127.0.0.1. */
type Route = { status?: number; body?: string; delayMs?: number; headers?: Record<string, string> };
let server: Server;
let base: string;
const routes = new Map<string, Route>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes.get(req.url ?? '') ?? { status: 404, body: '' };
    setTimeout(() => {
      res
        .writeHead(route.status ?? 200, { 'content-type': 'application/json', ...route.headers })
        .end(route.body ?? '');
    }, route.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => routes.clear());

const fetcher = new KeyFetcher({ timeoutMs: 300, maxBodyBytes: 1024, policy: { runtime: 'local' } });
const discovery = (document: unknown) =>
  routes.set('/.well-known/openid-configuration', { body: JSON.stringify(document) });

describe('discoverJwksUri', () => {
  it("returns the document's jwks_uri when it names the same issuer", async () => {
    discovery({ issuer: base, jwks_uri: `${base}/keys` });

    await expect(discoverJwksUri(base, fetcher)).resolves.toBe(`${base}/keys`);
  });

  it('looks for the document under an issuer with a trailing slash without doubling it', async () => {
    discovery({ issuer: `${base}/`, jwks_uri: `${base}/keys` });

    await expect(discoverJwksUri(`${base}/`, fetcher)).resolves.toBe(`${base}/keys`);
  });

  it.each([
    [
      'names another issuer',
      { issuer: 'https://evil.example.com', jwks_uri: 'https://evil.example.com/keys' },
      /names issuer/,
    ],
    ['has no jwks_uri', { issuer: 'SELF' }, /jwks_uri is missing/],
    [
      'points jwks_uri at plain HTTP elsewhere',
      { issuer: 'SELF', jwks_uri: 'http://keys.example.com/jwks' },
      /not https/,
    ],
  ])('refuses a document that %s', async (_, document, message) => {
    discovery({ ...document, issuer: document.issuer === 'SELF' ? base : document.issuer });

    await expect(discoverJwksUri(base, fetcher)).rejects.toThrow(KeySourceUnavailableError);
    await expect(discoverJwksUri(base, fetcher)).rejects.toThrow(message);
  });

  it('refuses an https issuer whose document points jwks_uri at plain HTTP on loopback', async () => {
    const tls = 'https://issuer.example.com';
    const downgrading = {
      policy: fetcher.policy,
      fetch: async () =>
        new TextEncoder().encode(JSON.stringify({ issuer: tls, jwks_uri: `${base}/keys` })).buffer,
    } as unknown as KeyFetcher;

    await expect(discoverJwksUri(tls, downgrading)).rejects.toThrow(
      /an https issuer must publish an https jwks_uri/,
    );
  });

  it('refuses a document that is not JSON', async () => {
    routes.set('/.well-known/openid-configuration', { body: '<html>' });

    await expect(discoverJwksUri(base, fetcher)).rejects.toThrow(/not a JSON document/);
  });
});

describe('KeyFetcher', () => {
  it('returns the body of a 200', async () => {
    routes.set('/doc', { body: '{"a":1}' });

    expect(Buffer.from(await fetcher.fetch(`${base}/doc`)).toString()).toBe('{"a":1}');
  });

  it.each([
    ['a 404', { status: 404 }, /HTTP 404/],
    [
      'a redirect (never followed)',
      { status: 302, headers: { location: 'https://elsewhere.example.com/' } },
      /HTTP 302/,
    ],
    ['a body over the size limit', { body: 'x'.repeat(2048) }, /larger than 1024 bytes/],
    ['no answer within the timeout', { delayMs: 1000, body: '{}' }, /no answer within 300 ms/],
  ])('gives up on %s', async (_, route, message) => {
    routes.set('/doc', route);

    await expect(fetcher.fetch(`${base}/doc`)).rejects.toThrow(message);
  });

  it('refuses a URL that is neither https nor loopback, without connecting', async () => {
    await expect(fetcher.fetch('http://10.0.0.1/keys')).rejects.toThrow(/not https or loopback/);
  });

  it('keeps a query string out of its error messages', async () => {
    routes.set('/doc?token=secret', { status: 500 });

    const error = await fetcher.fetch(`${base}/doc?token=secret`).catch((e: Error) => e);

    expect(String(error)).not.toContain('secret');
  });

  it('reports a refused connection as unavailable keys', async () => {
    await expect(fetcher.fetch('http://127.0.0.1:1/keys')).rejects.toThrow(KeySourceUnavailableError);
  });
});

describe('the URL policy of each runtime', () => {
  const local = new KeyFetcher({ timeoutMs: 300, policy: { runtime: 'local' } });
  const deployed = new KeyFetcher({ timeoutMs: 300, policy: { runtime: 'lambda' } });

  it('refuses plain HTTP to loopback in a deployed function, where loopback is the Runtime API', async () => {
    routes.set('/doc', { body: '{}' });

    await expect(local.fetch(`${base}/doc`)).resolves.toBeDefined();
    await expect(deployed.fetch(`${base}/doc`)).rejects.toThrow(/not https or loopback/);
  });

  it('refuses host.docker.internal outside sam local, without resolving it', async () => {
    await expect(local.fetch('http://host.docker.internal:1/keys')).rejects.toThrow(/not https or loopback/);
  });
});

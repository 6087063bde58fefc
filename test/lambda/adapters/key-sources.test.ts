import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeyFetcher, KeySourceUnavailableError } from '../../../lambda/adapters/key-fetcher';
import { discoverJwksUri } from '../../../lambda/adapters/oidc-discovery';

/** Discovery, fetching and parsing of key material against a real HTTP server on 127.0.0.1. */
type Route = {
  status?: number;
  body?: string | Buffer;
  delayMs?: number;
  headers?: Record<string, string>;
  /** Send the headers and the first bytes of a longer body, then drop the connection. */
  cutShort?: boolean;
};
let server: Server;
let base: string;
const routes = new Map<string, Route>();
/** The method and headers of every request, by path. */
const seen = new Map<string, { method?: string; accept?: string }>();

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.set(req.url ?? '', { method: req.method, accept: req.headers.accept });
    const route = routes.get(req.url ?? '') ?? { status: 404, body: '' };
    if (route.cutShort) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"keys":');
      setTimeout(() => res.destroy(), 20);
      return;
    }
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
beforeEach(() => {
  routes.clear();
  seen.clear();
});

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

  // An https issuer cannot be served here: a fetcher that hands over its discovery document.
  const tls = 'https://issuer.example.com';
  const servingDocument = (jwksUri: string) =>
    ({
      policy: fetcher.policy,
      fetch: async () => new TextEncoder().encode(JSON.stringify({ issuer: tls, jwks_uri: jwksUri })).buffer,
    }) as unknown as KeyFetcher;

  it('refuses an https issuer whose document points jwks_uri at plain HTTP on loopback', async () => {
    await expect(discoverJwksUri(tls, servingDocument(`${base}/keys`))).rejects.toThrow(
      /an https issuer must publish an https jwks_uri/,
    );
  });

  it('accepts an https issuer whose document publishes an https jwks_uri', async () => {
    await expect(discoverJwksUri(tls, servingDocument(`${tls}/keys`))).resolves.toBe(`${tls}/keys`);
  });

  it('refuses a document that is not JSON', async () => {
    routes.set('/.well-known/openid-configuration', { body: '<html>' });

    await expect(discoverJwksUri(base, fetcher)).rejects.toThrow(/not a JSON document/);
  });

  it('refuses a document that is not UTF-8, even where the bad bytes sit inside a string', async () => {
    const document = Buffer.from(JSON.stringify({ issuer: base, jwks_uri: `${base}/keys`, note: '@' }));
    document[document.indexOf('@')] = 0xff;
    routes.set('/.well-known/openid-configuration', { body: document });

    await expect(discoverJwksUri(base, fetcher)).rejects.toThrow(/not a JSON document/);
  });

  it('refuses a jwks_uri that is a list of URLs rather than one', async () => {
    discovery({ issuer: base, jwks_uri: [`${base}/keys`] });

    await expect(discoverJwksUri(base, fetcher)).rejects.toThrow(/jwks_uri is missing/);
  });

  it('looks for the document under an issuer ending in several slashes at one place', async () => {
    discovery({ issuer: `${base}//`, jwks_uri: `${base}/keys` });

    await expect(discoverJwksUri(`${base}//`, fetcher)).resolves.toBe(`${base}/keys`);
  });
});

describe('KeyFetcher', () => {
  it('returns the body of a 200', async () => {
    routes.set('/doc', { body: '{"a":1}' });

    expect(Buffer.from(await fetcher.fetch(`${base}/doc`)).toString()).toBe('{"a":1}');
  });

  it('asks with a GET for JSON', async () => {
    routes.set('/doc', { body: '{}' });
    await fetcher.fetch(`${base}/doc`);

    expect(seen.get('/doc')).toEqual({ method: 'GET', accept: 'application/json' });
  });

  it('accepts a body of exactly the size limit', async () => {
    routes.set('/doc', { body: 'x'.repeat(1024) });

    expect((await fetcher.fetch(`${base}/doc`)).byteLength).toBe(1024);
  });

  it('limits bodies to 256 KiB by default', async () => {
    const byDefault = new KeyFetcher({ timeoutMs: 2000, policy: { runtime: 'local' } });
    routes.set('/fits', { body: 'x'.repeat(256 * 1024) });
    routes.set('/over', { body: 'x'.repeat(256 * 1024 + 1) });

    expect((await byDefault.fetch(`${base}/fits`)).byteLength).toBe(256 * 1024);
    await expect(byDefault.fetch(`${base}/over`)).rejects.toThrow(/larger than 262144 bytes/);
  });

  it('speaks TLS to an https URL: a plain-HTTP server there is no key source', async () => {
    routes.set('/doc', { body: '{}' });

    await expect(fetcher.fetch(`${base.replace('http:', 'https:')}/doc`)).rejects.toThrow(
      KeySourceUnavailableError,
    );
    expect(seen.has('/doc')).toBe(false);
  });

  it('gives up on a connection dropped in the middle of the body, saying so', async () => {
    routes.set('/doc', { cutShort: true });

    await expect(fetcher.fetch(`${base}/doc`)).rejects.toThrow(/aborted/);
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
    expect((error as Error).message).toBe(`${base}/doc?…: answered HTTP 500`);
  });

  it('reports a refused connection as unavailable keys, with the reason', async () => {
    const error = await fetcher.fetch('http://127.0.0.1:1/keys').catch((e: Error) => e);

    expect(error).toBeInstanceOf(KeySourceUnavailableError);
    expect((error as Error).name).toBe('KeySourceUnavailableError');
    expect((error as Error).message).toMatch(/^http:\/\/127\.0\.0\.1:1\/keys: .*ECONNREFUSED/);
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

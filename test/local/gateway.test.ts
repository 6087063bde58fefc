import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { loadConfig } from '../../lambda/config';
import { JWT, RUNTIME } from '../../lambda/config/schema';
import { ROUTES, type RouteName } from '../../lib/routes';
import { GatewayCredentialAuthorizer, MAX_CACHED_ANSWERS } from '../../local/gateway/credential-authorizer';
import { GatewayJwtAuthorizer } from '../../local/gateway/jwt-authorizer';
import { createGateway, isLoopbackHost, type LambdaHandler } from '../../local/gateway/server';
import { type HttpAnswer, type RequestOptions, request } from '../support/http';
import { TestIssuer } from '../support/issuer';

/**
 * The local imitation of API Gateway's HTTP API in front of recording handlers: routing, the JWT
 * authorizer's answers, the payload 2.0 event each route's function gets, CORS.
 */
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await TestIssuer.start();
});
afterAll(async () => {
  await issuer.stop();
});

const authorizerFor = (from: TestIssuer) =>
  new GatewayJwtAuthorizer(
    loadConfig({ jwt: JWT, runtime: RUNTIME }, { JWT_ISSUER: from.url, JWT_AUDIENCE: from.audience }),
  );

/** A credential authorizer Lambda answering as told: the gateway's part is what is under test here. */
type AuthorizerScript = ConstructorParameters<typeof GatewayCredentialAuthorizer>[0];
const USER_CONTEXT = {
  tokenType: 'user',
  subject: 'user-1',
  workspaces: 'w1',
  expiresAt: '2099-01-01T00:00:00.000Z',
} as const;
const allowAsUser: AuthorizerScript = async () => ({ isAuthorized: true, context: USER_CONTEXT });

type Reply = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;
const ok: Reply = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"ok":true}',
});

/** A gateway whose every route records the events it gets (by route) and answers with `reply`. */
async function withGateway(
  options: { cors?: string[]; reply?: Reply; from?: TestIssuer; credential?: AuthorizerScript },
  run: (
    send: (options: RequestOptions) => Promise<HttpAnswer>,
    calls: Array<[RouteName, APIGatewayProxyEventV2]>,
  ) => Promise<void>,
) {
  const calls: Array<[RouteName, APIGatewayProxyEventV2]> = [];
  const server = createGateway({
    routes: ROUTES,
    handlerOf:
      (route): LambdaHandler =>
      async (event) => {
        calls.push([route.name, event]);
        return (options.reply ?? ok)(event);
      },
    jwtAuthorizer: authorizerFor(options.from ?? issuer),
    credentialAuthorizer: new GatewayCredentialAuthorizer(options.credential ?? allowAsUser, 0),
    corsAllowedOrigins: options.cors ?? [],
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    await run((req) => request(port, req), calls);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const bearer = (token = issuer.token([])) => ({ authorization: `Bearer ${token}` });

describe('routing', () => {
  it.each([
    ['GET', '/api/v1/pats', 'listPats'],
    ['POST', '/api/v1/pats', 'createPat'],
    ['GET', '/api/v1/pats/x', 'getPat'],
    ['DELETE', '/api/v1/pats/x', 'revokePat'],
    ['POST', '/api/v1/pats/x/rotate', 'rotatePat'],
    ['GET', '/api/v1/whoami', 'whoami'],
  ])('sends %s %s to the function of %s', async (method, path, name) => {
    await withGateway({}, async (send, calls) => {
      await send({ method, path, headers: bearer() });

      expect(calls.map(([route]) => route)).toEqual([name]);
    });
  });

  it.each([
    ['another method', 'PUT', '/api/v1/pats/x'],
    ['a trailing slash', 'GET', '/api/v1/pats/x/'],
    ['a double slash', 'GET', '/api/v1//pats/x'],
    ['an empty id', 'GET', '/api/v1/pats//rotate'],
    ['GET on rotate', 'GET', '/api/v1/pats/x/rotate'],
    ['an unknown path', 'GET', '/api/v2/pats'],
  ])('answers 404 Not Found for %s, before the authorizer', async (_, method, path) => {
    await withGateway({}, async (send, calls) => {
      const answer = await send({ method, path });

      expect(answer.status).toBe(404);
      expect(answer.json()).toEqual({ message: 'Not Found' });
      expect(calls).toEqual([]);
    });
  });
});

describe('the payload 2.0 event', () => {
  it('is what API Gateway sends: route, decoded path parameter, lower-case headers, request context', async () => {
    await withGateway({}, async (send, calls) => {
      const token = issuer.token(['w1']);
      const answer = await send({
        path: '/api/v1/pats/a%20b%2Fc?x=1&x=2&y=3',
        headers: { Authorization: `Bearer ${token}`, 'X-Workspace-Id': 'W', Cookie: 'a=1; b=2' },
      });

      expect(answer.status).toBe(200);
      const [[, event] = ['getPat', {} as APIGatewayProxyEventV2]] = calls;
      expect(event).toMatchObject({
        version: '2.0',
        routeKey: 'GET /api/v1/pats/{id}',
        rawPath: '/api/v1/pats/a%20b%2Fc',
        rawQueryString: 'x=1&x=2&y=3',
        pathParameters: { id: 'a b/c' },
        queryStringParameters: { x: '1,2', y: '3' },
        cookies: ['a=1', 'b=2'],
        isBase64Encoded: false,
        requestContext: {
          routeKey: 'GET /api/v1/pats/{id}',
          stage: '$default',
          http: { method: 'GET', path: '/api/v1/pats/a%20b%2Fc', protocol: 'HTTP/1.1' },
        },
      });
      expect(event.headers).toMatchObject({ authorization: `Bearer ${token}`, 'x-workspace-id': 'W' });
      expect(event.headers.cookie).toBeUndefined();
      expect(event.requestContext.requestId).toBe(answer.headers['apigw-requestid']);
      expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    });
  });

  it('passes a JSON body as text, and any other body base64-encoded', async () => {
    await withGateway({}, async (send, calls) => {
      await send({
        method: 'POST',
        path: '/api/v1/pats',
        headers: { ...bearer(), 'content-type': 'application/json; charset=utf-8' },
        body: '{"name":"é"}',
      });
      await send({
        method: 'POST',
        path: '/api/v1/pats',
        headers: { ...bearer(), 'content-type': 'image/png' },
        body: 'PNG',
      });

      expect(calls.map(([, event]) => [event.body, event.isBase64Encoded])).toEqual([
        ['{"name":"é"}', false],
        [Buffer.from('PNG').toString('base64'), true],
      ]);
    });
  });

  it('joins a header sent several times with commas', async () => {
    await withGateway({}, async (send, calls) => {
      await send({
        path: '/api/v1/pats/x',
        headers: [
          ['authorization', `Bearer ${issuer.token([])}`],
          ['x-workspace-id', 'first'],
          ['x-workspace-id', 'second'],
        ],
      });

      expect(calls[0]?.[1].headers['x-workspace-id']).toBe('first,second');
    });
  });

  it('flattens the verified claims to strings, arrays as "[a b]", with scopes from the scope claim', async () => {
    await withGateway({}, async (send, calls) => {
      const token = issuer.sign(
        issuer.claims({ workspaces: ['w1', 'w2'], scope: 'read write', n: 5, nested: { a: 1 } }),
      );
      await send({ path: '/api/v1/pats/x', headers: bearer(token) });

      const context = calls[0]?.[1].requestContext as unknown as
        | { authorizer: { jwt: { claims: object; scopes: unknown } } }
        | undefined;
      const authorizer = context?.authorizer ?? { jwt: { claims: {}, scopes: undefined } };
      expect(authorizer.jwt.claims).toMatchObject({
        workspaces: '[w1 w2]',
        n: '5',
        nested: '{"a":1}',
        sub: 'user-1',
        iss: issuer.url,
      });
      expect(authorizer.jwt.scopes).toEqual(['read', 'write']);
    });
  });
});

describe('the gateway own answers', () => {
  it('lets through a token the authorizer accepts but the function refuses (crit header)', async () => {
    await withGateway({}, async (send, calls) => {
      const answer = await send({
        path: '/api/v1/pats/x',
        headers: bearer(issuer.sign(issuer.claims(), { crit: ['exp'] })),
      });

      expect(answer.status).toBe(200);
      expect(calls).toHaveLength(1);
    });
  });

  it.each([
    ['no token', undefined],
    ['an expired token', () => issuer.sign(issuer.claims({ exp: Math.floor(Date.now() / 1000) - 60 }))],
    ['a token without exp', () => issuer.sign(issuer.claims({ exp: undefined }))],
    ['another audience', () => issuer.sign(issuer.claims({ aud: 'other' }))],
    ['another issuer', () => issuer.sign(issuer.claims({ iss: 'https://evil.example.com' }))],
    ['HS256', () => `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.e30.c2ln`],
    ['a PAT', () => `pat_${'a'.repeat(93)}`],
  ])('refuses %s with 401 Unauthorized before any function', async (_, token) => {
    await withGateway({}, async (send, calls) => {
      const answer = await send({
        method: 'POST',
        path: '/api/v1/pats',
        headers: token === undefined ? {} : bearer(token()),
      });

      expect(answer.status).toBe(401);
      expect(answer.json()).toEqual({ message: 'Unauthorized' });
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(calls).toEqual([]);
    });
  });

  it('answers 431 with a JSON body for oversized headers', async () => {
    await withGateway({}, async (send) => {
      const answer = await send({ path: '/api/v1/pats/x', headers: { 'x-big': 'x'.repeat(11 * 1024) } });

      expect(answer.status).toBe(431);
      expect(answer.json()).toEqual({ message: 'Request Header Fields Too Large' });
    });
  });

  it('answers 503 Service Unavailable when the issuer keys cannot be fetched', async () => {
    const down = await TestIssuer.start();
    const token = down.token([]);
    await down.stop();
    await withGateway({ from: down }, async (send) => {
      const answer = await send({ path: '/api/v1/pats/x', headers: bearer(token) });

      expect(answer.status).toBe(503);
      expect(answer.json()).toEqual({ message: 'Service Unavailable' });
    });
  });

  it('answers 500 Internal Server Error when the function fails, saying nothing of why', async () => {
    const reply: Reply = async () => {
      throw new Error('boom');
    };
    await withGateway({ reply }, async (send) => {
      const answer = await send({ path: '/api/v1/pats/x', headers: bearer() });

      expect(answer.status).toBe(500);
      expect(answer.json()).toEqual({ message: 'Internal Server Error' });
      expect(answer.body).not.toContain('boom');
    });
  });
});

describe('the credential authorizer (routes that accept a PAT or a JWT)', () => {
  const whoami = { path: '/api/v1/whoami' };

  it('answers 401 without an Authorization header, and never invokes the authorizer', async () => {
    const invoked: unknown[] = [];
    const credential: AuthorizerScript = async (event) => {
      invoked.push(event);
      return { isAuthorized: true, context: USER_CONTEXT };
    };
    await withGateway({ credential }, async (send, calls) => {
      const answer = await send(whoami);

      expect(answer.status).toBe(401);
      expect(answer.json()).toEqual({ message: 'Unauthorized' });
      expect(invoked).toEqual([]);
      expect(calls).toEqual([]);
    });
  });

  it('sends the authorizer the REQUEST event with the identity sources, and the route its context', async () => {
    const invoked: Array<Parameters<AuthorizerScript>[0]> = [];
    const credential: AuthorizerScript = async (event) => {
      invoked.push(event);
      return { isAuthorized: true, context: USER_CONTEXT };
    };
    await withGateway({ credential }, async (send, calls) => {
      const answer = await send({ ...whoami, headers: { authorization: 'Bearer abc' } });

      expect(answer.status).toBe(200);
      expect(invoked[0]).toMatchObject({
        version: '2.0',
        type: 'REQUEST',
        identitySource: ['Bearer abc', 'GET /api/v1/whoami'],
        routeKey: 'GET /api/v1/whoami',
        headers: { authorization: 'Bearer abc' },
      });
      const [[, event] = ['whoami', {} as APIGatewayProxyEventV2]] = calls;
      expect(event.requestContext).toMatchObject({ authorizer: { lambda: USER_CONTEXT } });
    });
  });

  it('answers 403 Forbidden when the authorizer denies', async () => {
    const credential: AuthorizerScript = async () => ({ isAuthorized: false, context: {} });
    await withGateway({ credential }, async (send, calls) => {
      const answer = await send({ ...whoami, headers: { authorization: 'Bearer abc' } });

      expect(answer.status).toBe(403);
      expect(answer.json()).toEqual({ message: 'Forbidden' });
      expect(calls).toEqual([]);
    });
  });

  it('answers 500 Internal Server Error when the authorizer throws, saying nothing of why', async () => {
    const credential: AuthorizerScript = async () => {
      throw new Error('DynamoDB is down');
    };
    await withGateway({ credential }, async (send, calls) => {
      const answer = await send({ ...whoami, headers: { authorization: 'Bearer abc' } });

      expect(answer.status).toBe(500);
      expect(answer.json()).toEqual({ message: 'Internal Server Error' });
      expect(calls).toEqual([]);
    });
  });

  it('answers 500 when the authorizer answers something other than a simple response', async () => {
    const credential = (async () => ({ policyDocument: {} })) as unknown as AuthorizerScript;
    await withGateway({ credential }, async (send) => {
      const answer = await send({ ...whoami, headers: { authorization: 'Bearer abc' } });

      expect(answer.status).toBe(500);
    });
  });
});

describe('the credential authorizer cache', () => {
  const request = (authorization: string, routeKey = 'GET /api/v1/whoami') => ({
    routeKey,
    rawPath: '/api/v1/whoami',
    rawQueryString: '',
    headers: { authorization },
    pathParameters: {},
    requestId: 'r',
    sourceIp: '127.0.0.1',
  });
  /** An authorizer that allows, then denies, and counts its invocations. */
  const flipping = () => {
    let invocations = 0;
    const handler: AuthorizerScript = async () => {
      invocations += 1;
      return invocations === 1
        ? { isAuthorized: true, context: USER_CONTEXT }
        : { isAuthorized: false, context: {} };
    };
    return { handler, invocations: () => invocations };
  };

  it('keeps an answer for exactly the cache time, whatever happened since', async () => {
    let now = 1_000_000;
    const script = flipping();
    const cache = new GatewayCredentialAuthorizer(script.handler, 60, () => now);

    const first = await cache.authorize(request('Bearer a'));
    now += 59_999;
    const cached = await cache.authorize(request('Bearer a'));
    now += 1;
    const expired = await cache.authorize(request('Bearer a'));

    expect([first.allow, cached.allow, expired.allow]).toEqual([true, true, false]);
    expect(script.invocations()).toBe(2);
  });

  it('invokes the authorizer on every request with a cache time of 0', async () => {
    const script = flipping();
    const cache = new GatewayCredentialAuthorizer(script.handler, 0, () => 0);

    await cache.authorize(request('Bearer a'));
    const second = await cache.authorize(request('Bearer a'));

    expect(second.allow).toBe(false);
    expect(script.invocations()).toBe(2);
  });

  it('keys answers by the Authorization header and the route key', async () => {
    const script = flipping();
    const cache = new GatewayCredentialAuthorizer(script.handler, 60, () => 0);

    await cache.authorize(request('Bearer a'));
    const otherToken = await cache.authorize(request('Bearer b'));
    const otherRoute = await cache.authorize(request('Bearer a', 'GET /api/v1/other'));

    expect([otherToken.allow, otherRoute.allow]).toEqual([false, false]);
    expect(script.invocations()).toBe(3);
  });

  it('caches no failure: the next request invokes the authorizer again', async () => {
    let invocations = 0;
    const cache = new GatewayCredentialAuthorizer(
      async () => {
        invocations += 1;
        if (invocations === 1) throw new Error('down');
        return { isAuthorized: true, context: USER_CONTEXT };
      },
      60,
      () => 0,
    );

    const failed = await cache.authorize(request('Bearer a'));
    const recovered = await cache.authorize(request('Bearer a'));

    expect(failed).toEqual({ allow: false, status: 500 });
    expect(recovered.allow).toBe(true);
  });

  it('keeps no more than its bound of answers, dropping the oldest first', async () => {
    const script = flipping();
    const cache = new GatewayCredentialAuthorizer(script.handler, 3600, () => 0, 3);

    for (const token of ['a', 'b', 'c', 'd']) await cache.authorize(request(`Bearer ${token}`));
    const invocations = script.invocations();
    await cache.authorize(request('Bearer d'));
    await cache.authorize(request('Bearer a'));

    expect(cache.size).toBe(3);
    expect(script.invocations()).toBe(invocations + 1);
  });

  it('drops expired answers instead of keeping them', async () => {
    let now = 0;
    const cache = new GatewayCredentialAuthorizer(flipping().handler, 60, () => now);

    for (let i = 0; i < 50; i += 1) await cache.authorize(request(`Bearer ${i}`));
    now += 60_000;
    await cache.authorize(request('Bearer fresh'));

    expect(cache.size).toBe(1);
  });

  it('bounds itself at 10,000 answers by default', async () => {
    const cache = new GatewayCredentialAuthorizer(
      async () => ({ isAuthorized: false, context: {} }),
      60,
      () => 0,
    );

    for (let i = 0; i <= MAX_CACHED_ANSWERS; i += 1) await cache.authorize(request(`Bearer ${i}`));

    expect(MAX_CACHED_ANSWERS).toBe(10_000);
    expect(cache.size).toBe(10_000);
  });

  it('keys its answers by a hash, never holding the Authorization header', async () => {
    const cache = new GatewayCredentialAuthorizer(flipping().handler, 60, () => 0);

    await cache.authorize(request('Bearer pat_secret'));

    const keys = [...(cache as unknown as { cache: Map<string, unknown> }).cache.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('secret');
  });
});

describe('CORS', () => {
  const origin = 'https://app.example.com';

  it('answers preflight without the authorizer with the methods and headers the routes use', async () => {
    await withGateway({ cors: [origin] }, async (send, calls) => {
      const answer = await send({
        method: 'OPTIONS',
        path: '/api/v1/pats',
        headers: { origin, 'access-control-request-method': 'POST' },
      });

      expect(answer.status).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe(origin);
      expect(answer.headers['access-control-allow-methods']).toBe('GET,POST,DELETE');
      expect(answer.headers['access-control-allow-headers']).toBe(
        'authorization,x-workspace-id,content-type',
      );
      expect(answer.headers['access-control-expose-headers']).toContain('location');
      expect(calls).toEqual([]);
    });
  });

  it('gives a disallowed origin, or a method no route uses, no CORS grant', async () => {
    await withGateway({ cors: [origin] }, async (send) => {
      const evil = await send({
        method: 'OPTIONS',
        path: '/api/v1/pats/x',
        headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
      });
      const put = await send({
        method: 'OPTIONS',
        path: '/api/v1/pats/x',
        headers: { origin, 'access-control-request-method': 'PUT' },
      });

      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
      expect(put.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('adds the allowed origin to actual responses', async () => {
    await withGateway({ cors: [origin] }, async (send) => {
      const answer = await send({ path: '/api/v1/pats/x', headers: { origin, ...bearer() } });

      expect(answer.headers['access-control-allow-origin']).toBe(origin);
    });
  });

  it('has no preflight route when CORS is not configured', async () => {
    await withGateway({}, async (send) => {
      const answer = await send({
        method: 'OPTIONS',
        path: '/api/v1/pats/x',
        headers: { origin, 'access-control-request-method': 'GET' },
      });

      expect(answer.status).toBe(404);
    });
  });
});

describe('the Host header', () => {
  it.each([
    'localhost:8080',
    '127.0.0.1:8080',
    '127.1.2.3',
    '[::1]:8080',
    'LOCALHOST',
    'host.docker.internal:8080',
  ])('serves a request addressed to %s', async (host) => {
    await withGateway({}, async (send) => {
      const answer = await send({ path: '/api/v1/nothing', hostHeader: host });

      expect(answer.status).toBe(404);
    });
  });

  it.each([
    'attacker.example',
    'attacker.example:8080',
    '127.0.0.1.attacker.example',
    'localhost.attacker.example',
  ])('refuses a request addressed to %s with 403, like a DNS-rebinding page sends', async (host) => {
    await withGateway({}, async (send, calls) => {
      const answer = await send({ path: '/api/v1/whoami', headers: bearer(), hostHeader: host });

      expect(answer.status).toBe(403);
      expect(answer.json()).toEqual({ message: 'Forbidden' });
      expect(calls).toEqual([]);
    });
  });

  it('refuses a request with an empty Host header', async () => {
    await withGateway({}, async (send, calls) => {
      const answer = await send({ path: '/api/v1/whoami', headers: bearer(), hostHeader: '' });

      // Node itself refuses an HTTP/1.1 request without a host (400) before the gateway would (403).
      expect([400, 403]).toContain(answer.status);
      expect(calls).toEqual([]);
    });
  });

  it('refuses an HTTP/1.0 request, which may come without a Host header', () => {
    expect(isLoopbackHost(undefined, ['127.0.0.1'])).toBe(false);
  });

  it('tells loopback names apart from the addresses it was told it listens on', () => {
    expect(isLoopbackHost('172.17.0.1:8080', ['127.0.0.1', '172.17.0.1'])).toBe(true);
    expect(isLoopbackHost('172.17.0.1:8080', ['127.0.0.1'])).toBe(false);
  });
});

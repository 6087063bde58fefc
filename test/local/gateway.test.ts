import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadConfig } from '../../lambda/config';
import { ROUTES } from '../../lib/routes';
import { createGateway, type LambdaHandler } from '../../local/gateway';
import { GatewayJwtAuthorizer } from '../../local/gateway-authorizer';
import { TestIssuer } from '../support/issuer';

/**
 * The API Gateway stand-in, with a handler that records the event it receives, in front of the
 * real authorizer imitation and a real issuer.
 */
let issuer: TestIssuer;
let events: APIGatewayProxyEventV2[];
let handler: LambdaHandler;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const authorizerFor = (from: TestIssuer) =>
  new GatewayJwtAuthorizer(
    loadConfig({ TABLE_NAME: 'unused', JWT_ISSUER: from.url, JWT_AUDIENCE: from.audience }),
  );

async function withGateway(options: { cors?: string[] }, run: (port: number) => Promise<void>) {
  const server = createGateway({
    routes: ROUTES,
    handlers: { getPat: (event, context) => handler(event, context) },
    authorizer: authorizerFor(issuer),
    corsAllowedOrigins: options.cors ?? [],
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string | string[]> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += String(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const lastEvent = () => {
  const event = events.at(-1);
  if (event === undefined) throw new Error('the handler was not called');
  return event;
};

beforeAll(async () => {
  issuer = await TestIssuer.start();
});
afterAll(async () => {
  await issuer.stop();
});
beforeEach(() => {
  events = [];
  handler = async (event) => {
    events.push(event);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'x-request-id': 'r' },
      body: '{"ok":true}',
    };
  };
});

describe('the payload 2.0 event', () => {
  it('is what API Gateway sends: route, decoded path parameter, lower-case headers, request context', async () => {
    await withGateway({}, async (port) => {
      const token = issuer.token(['w1']);
      const answer = await send(port, 'GET', '/api/v1/pats/a%20b%2Fc?x=1&x=2&y=3', {
        Authorization: `Bearer ${token}`,
        'X-Workspace-Id': 'W',
        Cookie: 'a=1; b=2',
      });

      expect(answer.status).toBe(200);
      const event = lastEvent();
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

  it('joins a header sent several times with commas', async () => {
    await withGateway({}, async (port) => {
      await send(port, 'GET', '/api/v1/pats/x', {
        authorization: `Bearer ${issuer.token([])}`,
        'x-workspace-id': ['first', 'second'],
      });

      expect(lastEvent().headers['x-workspace-id']).toBe('first,second');
    });
  });

  it('flattens the verified claims to strings, arrays as "[a b]", with scopes from the scope claim', async () => {
    await withGateway({}, async (port) => {
      const token = issuer.sign(
        issuer.claims({ workspaces: ['w1', 'w2'], scope: 'read write', n: 5, nested: { a: 1 } }),
      );
      await send(port, 'GET', '/api/v1/pats/x', { authorization: `Bearer ${token}` });

      const authorizer = (
        lastEvent().requestContext as unknown as { authorizer: { jwt: { claims: object; scopes: unknown } } }
      ).authorizer;
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
    await withGateway({}, async (port) => {
      const answer = await send(port, 'GET', '/api/v1/pats/x', {
        authorization: `Bearer ${issuer.sign(issuer.claims(), { crit: ['exp'] })}`,
      });

      expect(answer.status).toBe(200);
      expect(events).toHaveLength(1);
    });
  });

  it.each([
    ['an expired token', () => issuer.sign(issuer.claims({ exp: Math.floor(Date.now() / 1000) - 60 }))],
    ['a token without exp', () => issuer.sign(issuer.claims({ exp: undefined }))],
    ['another audience', () => issuer.sign(issuer.claims({ aud: 'other' }))],
    ['another issuer', () => issuer.sign(issuer.claims({ iss: 'https://evil.example.com' }))],
    ['HS256', () => `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.e30.c2ln`],
  ])('refuses %s with 401 Unauthorized before the handler', async (_, token) => {
    await withGateway({}, async (port) => {
      const answer = await send(port, 'GET', '/api/v1/pats/x', { authorization: `Bearer ${token()}` });

      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toEqual({ message: 'Unauthorized' });
      expect(answer.headers['www-authenticate']).toContain('invalid_token');
      expect(events).toHaveLength(0);
    });
  });

  it('answers 431 with a JSON body for oversized headers', async () => {
    await withGateway({}, async (port) => {
      const answer = await send(port, 'GET', '/api/v1/pats/x', { 'x-big': 'x'.repeat(11 * 1024) });

      expect(answer.status).toBe(431);
      expect(JSON.parse(answer.body)).toEqual({ message: 'Request Header Fields Too Large' });
    });
  });

  it('answers 503 Service Unavailable when the issuer keys cannot be fetched', async () => {
    const down = await TestIssuer.start();
    const token = down.token([]);
    await down.stop();
    const server = createGateway({
      routes: ROUTES,
      handlers: { getPat: (event, context) => handler(event, context) },
      authorizer: authorizerFor(down),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await send((server.address() as AddressInfo).port, 'GET', '/api/v1/pats/x', {
        authorization: `Bearer ${token}`,
      });
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body)).toEqual({ message: 'Service Unavailable' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('answers 500 Internal Server Error when the function fails', async () => {
    handler = async () => {
      throw new Error('boom');
    };
    await withGateway({}, async (port) => {
      const answer = await send(port, 'GET', '/api/v1/pats/x', {
        authorization: `Bearer ${issuer.token([])}`,
      });

      expect(answer.status).toBe(500);
      expect(JSON.parse(answer.body)).toEqual({ message: 'Internal Server Error' });
      expect(answer.body).not.toContain('boom');
    });
  });
});

describe('CORS', () => {
  const preflight = { origin: 'https://app.example.com', 'access-control-request-method': 'GET' };

  it('answers preflight without the authorizer when the origin is allowed', async () => {
    await withGateway({ cors: ['https://app.example.com'] }, async (port) => {
      const answer = await send(port, 'OPTIONS', '/api/v1/pats/x', preflight);

      expect(answer.status).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(answer.headers['access-control-allow-headers']).toBe('authorization,x-workspace-id');
      expect(events).toHaveLength(0);
    });
  });

  it('gives a disallowed origin no CORS headers', async () => {
    await withGateway({ cors: ['https://app.example.com'] }, async (port) => {
      const answer = await send(port, 'OPTIONS', '/api/v1/pats/x', {
        ...preflight,
        origin: 'https://evil.example.com',
      });

      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('adds the allowed origin to actual responses', async () => {
    await withGateway({ cors: ['https://app.example.com'] }, async (port) => {
      const answer = await send(port, 'GET', '/api/v1/pats/x', {
        origin: 'https://app.example.com',
        authorization: `Bearer ${issuer.token([])}`,
      });

      expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.com');
    });
  });

  it('has no preflight route when CORS is not configured', async () => {
    await withGateway({}, async (port) => {
      const answer = await send(port, 'OPTIONS', '/api/v1/pats/x', preflight);

      expect(answer.status).toBe(404);
    });
  });
});

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { corsHeaders, corsMethods, type RouteDefinition } from '../../lib/routes';
import { httpApiEvent, jwtAuthorizerContext, lambdaContext } from '../aws-payloads';
import type { GatewayCredentialAuthorizer } from './credential-authorizer';
import type { GatewayJwtAuthorizer } from './jwt-authorizer';
import { GATEWAY_MESSAGES, gatewayAnswer, printablePath, writeResult } from './responses';
import { compileRoute, matchRoute } from './routing';

export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface GatewayOptions<Route extends RouteDefinition = RouteDefinition> {
  readonly routes: readonly Route[];
  /** The function of each route (asked once per route, when the gateway is created). */
  readonly handlerOf: (route: Route) => LambdaHandler;
  readonly jwtAuthorizer: Pick<GatewayJwtAuthorizer, 'authorize'>;
  /** The authorizer of the routes that accept a PAT or a JWT. */
  readonly credentialAuthorizer: Pick<GatewayCredentialAuthorizer, 'authorize'>;
  /** Origins allowed by CORS; empty means no CORS, as in the stack. */
  readonly corsAllowedOrigins?: readonly string[];
  /** One line per request: method, path, status, milliseconds. */
  readonly log?: (line: string) => void;
  /** The functions' timeout, for the context's `getRemainingTimeInMillis`. @default 15000 */
  readonly functionTimeoutMs?: number;
  /** Addresses the gateway listens on besides loopback, whose names a request may use as its Host. @default [] */
  readonly listenAddresses?: readonly string[];
}

/** API Gateway HTTP API's quota for the request line and headers together. */
export const MAX_HEADER_BYTES = 10_240;

/**
 * The local stand-in for API Gateway's HTTP API: the same routes (from `lib/routes.ts`), the
 * gateway's own answers (404; 401 from the JWT authorizer; 401, 403 and 500 around the credential
 * authorizer; 431; 503), CORS preflight when configured, and a faithful payload 2.0 event handed
 * to the very handler each route's Lambda runs.
 */
export function createGateway<Route extends RouteDefinition>(options: GatewayOptions<Route>): Server {
  const routes = options.routes.map(compileRoute);
  const handlers = new Map(options.routes.map((route) => [route, options.handlerOf(route)]));
  const origins = new Set(options.corsAllowedOrigins ?? []);
  const allowMethods = corsMethods(options.routes).join(',');
  const allowHeaders = corsHeaders(options.routes).join(',');
  const log = options.log ?? (() => undefined);

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    const startedAt = Date.now();
    const requestId = randomBytes(10).toString('base64');
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    res.on('finish', () =>
      log(`${req.method} ${printablePath(rawPath)} ${res.statusCode} ${Date.now() - startedAt}ms`),
    );
    serve(req, res, requestId).catch(() => {
      if (!res.headersSent) gatewayAnswer(res, 500, requestId);
      else res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    // A DNS-rebinding page reaches loopback under its own host name: only loopback names are served.
    if (!isLoopbackHost(req.headers.host, options.listenAddresses ?? []))
      return gatewayAnswer(res, 403, requestId);
    const [rawPath = '/', rawQueryString = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const method = req.method ?? 'GET';
    const origin =
      typeof req.headers.origin === 'string' && origins.has(req.headers.origin)
        ? req.headers.origin
        : undefined;
    const cors: Record<string, string> =
      origin !== undefined ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};

    const requestedMethod = req.headers['access-control-request-method'];
    if (origins.size > 0 && method === 'OPTIONS' && requestedMethod !== undefined) {
      // Preflight is answered here, before and without the authorizer, as API Gateway does.
      const allowed = origin !== undefined && allowMethods.split(',').includes(String(requestedMethod));
      res.writeHead(204, {
        'apigw-requestid': requestId,
        ...(allowed
          ? {
              ...cors,
              'access-control-allow-methods': allowMethods,
              'access-control-allow-headers': allowHeaders,
              'access-control-expose-headers': 'x-request-id,www-authenticate,retry-after,location',
              'access-control-max-age': '3600',
            }
          : {}),
      });
      res.end();
      return;
    }

    const match = matchRoute(routes, method, rawPath);
    if (match === undefined) return gatewayAnswer(res, 404, requestId, cors);

    const headers = joinedHeaders(req);
    const { route } = match.compiled;
    let authorizerContext: Pick<Parameters<typeof httpApiEvent>[0], 'jwtAuthorizer' | 'lambdaAuthorizer'>;
    if (route.authorizer === 'jwt') {
      const decision = await options.jwtAuthorizer.authorize(headers.authorization);
      if (!decision.allow) {
        const challenge: Record<string, string> =
          decision.challenge !== undefined ? { 'www-authenticate': decision.challenge } : {};
        return gatewayAnswer(res, decision.status, requestId, { ...challenge, ...cors });
      }
      authorizerContext = { jwtAuthorizer: jwtAuthorizerContext(decision.claims) };
    } else {
      const decision = await options.credentialAuthorizer.authorize({
        routeKey: match.compiled.routeKey,
        rawPath,
        rawQueryString,
        headers,
        pathParameters: match.params,
        requestId,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      });
      if (!decision.allow) return gatewayAnswer(res, decision.status, requestId, cors);
      authorizerContext = { lambdaAuthorizer: decision.context };
    }

    const body = await readBody(req);
    const event = httpApiEvent({
      method,
      routeKey: match.compiled.routeKey,
      rawPath,
      rawQueryString,
      headers,
      pathParameters: match.params,
      ...(body.length > 0 ? textOrBase64(body, headers['content-type']) : {}),
      ...authorizerContext,
      requestId,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      protocol: `HTTP/${req.httpVersion}`,
    });
    const handler = handlers.get(route);
    if (handler === undefined) return gatewayAnswer(res, 500, requestId, cors);
    const result = await handler(
      event,
      lambdaContext({
        functionName: `${match.compiled.route.name}-local`,
        timeoutMs: options.functionTimeoutMs,
      }),
    );
    writeResult(res, result, requestId, cors);
  }

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ message: GATEWAY_MESSAGES[status] });
    socket.end(
      `HTTP/1.1 ${status} ${GATEWAY_MESSAGES[status]}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

/** Whether a Host header names this machine: a loopback name or address, or one the gateway listens on. */
export function isLoopbackHost(host: string | undefined, listenAddresses: readonly string[]): boolean {
  if (host === undefined) return false;
  const name = host
    .toLowerCase()
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1');
  return (
    ['localhost', '::1', 'host.docker.internal'].includes(name) ||
    /^127(\.\d{1,3}){3}$/.test(name) ||
    listenAddresses.includes(name)
  );
}

/** Lower-case names; a header sent several times becomes one value joined with commas, as API Gateway does. */
function joinedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values !== undefined) headers[name] = values.join(',');
  }
  return headers;
}

/** API Gateway's payload limit (10 MB) is far above any route's: the functions say 413 themselves. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new Error('body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * How API Gateway passes a body: as text for text types (JSON among them), base64-encoded for
 * anything else, so the function sees exactly the bytes that were sent.
 */
function textOrBase64(body: Buffer, contentType: string | undefined) {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = type.startsWith('text/') || type === 'application/json' || type.endsWith('+json');
  return text ? { body: body.toString('utf8') } : { body: body.toString('base64'), isBase64Encoded: true };
}

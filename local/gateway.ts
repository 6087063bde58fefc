import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { RouteDefinition } from '../lib/routes';
import type { AuthorizerDecision } from './gateway-authorizer';

export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface GatewayOptions {
  readonly routes: readonly RouteDefinition[];
  readonly handlers: Readonly<Record<RouteDefinition['handler'], LambdaHandler>>;
  readonly authorizer: { authorize(authorization: string | undefined): Promise<AuthorizerDecision> };
  /** Origins allowed by CORS; empty means no CORS, as in the stack. */
  readonly corsAllowedOrigins?: readonly string[];
  /** One line per request: method, path, status, milliseconds. */
  readonly log?: (line: string) => void;
  /** The function's timeout, for the context's `getRemainingTimeInMillis`. @default 15000 */
  readonly functionTimeoutMs?: number;
}

/** API Gateway HTTP API's quota for the request line and headers together. */
export const MAX_HEADER_BYTES = 10_240;

const GATEWAY_MESSAGES = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
} as const;

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly routeKey: string;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

/**
 * The local stand-in for API Gateway's HTTP API: the same routes (from `lib/routes.ts`), the
 * gateway's own answers (404, 401 from the JWT authorizer, 431, 503), CORS preflight when
 * configured, and a faithful payload 2.0 event handed to the very handler the Lambda runs.
 */
export function createGateway(options: GatewayOptions): Server {
  const routes = options.routes.map(compileRoute);
  const origins = new Set(options.corsAllowedOrigins ?? []);
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.functionTimeoutMs ?? 15_000;

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
    const [rawPath = '/', rawQueryString = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const method = req.method ?? 'GET';
    const origin =
      typeof req.headers.origin === 'string' && origins.has(req.headers.origin)
        ? req.headers.origin
        : undefined;
    const cors: Record<string, string> =
      origin !== undefined ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};

    if (
      origins.size > 0 &&
      method === 'OPTIONS' &&
      req.headers['access-control-request-method'] !== undefined
    ) {
      // Preflight is answered here, before and without the authorizer, as API Gateway does.
      const allowed = origin !== undefined && req.headers['access-control-request-method'] === 'GET';
      res.writeHead(204, {
        'apigw-requestid': requestId,
        ...(allowed
          ? {
              ...cors,
              'access-control-allow-methods': 'GET',
              'access-control-allow-headers': 'authorization,x-workspace-id',
              'access-control-max-age': '3600',
            }
          : {}),
      });
      res.end();
      return;
    }

    const match = matchRoute(routes, method, rawPath);
    if (match === undefined) return gatewayAnswer(res, 404, requestId, {}, cors);

    const headers = joinedHeaders(req);
    let claims: Record<string, unknown> | undefined;
    if (match.compiled.route.authorized) {
      const decision = await options.authorizer.authorize(headers.authorization);
      if (!decision.allow) {
        const extra: Record<string, string> =
          decision.challenge !== undefined ? { 'www-authenticate': decision.challenge } : {};
        return gatewayAnswer(res, decision.status, requestId, extra, cors);
      }
      claims = decision.claims;
    }

    const now = new Date();
    const { cookie, ...headersWithoutCookies } = headers;
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: match.compiled.routeKey,
      rawPath,
      rawQueryString,
      ...(cookie !== undefined ? { cookies: cookie.split(/;\s*/) } : {}),
      headers: headersWithoutCookies,
      ...queryParameters(rawQueryString),
      ...(Object.keys(match.params).length > 0 ? { pathParameters: match.params } : {}),
      requestContext: {
        accountId: 'offline',
        apiId: 'local',
        ...(claims !== undefined ? { authorizer: { jwt: authorizerContext(claims) } } : {}),
        domainName: headers.host ?? 'localhost',
        domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
        http: {
          method,
          path: rawPath,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: match.compiled.routeKey,
        stage: '$default',
        time: apiGatewayTime(now),
        timeEpoch: now.getTime(),
      },
      isBase64Encoded: false,
    } as APIGatewayProxyEventV2;

    const deadline = Date.now() + timeoutMs;
    const result = await options.handlers[match.compiled.route.handler](event, lambdaContext(deadline));
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

function compileRoute(route: RouteDefinition): CompiledRoute {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (param === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(param);
      return '([^/]+)';
    })
    .join('/');
  return { route, routeKey: `${route.method} ${route.path}`, pattern: new RegExp(`^${source}$`), params };
}

function matchRoute(routes: readonly CompiledRoute[], method: string, rawPath: string) {
  for (const compiled of routes) {
    if (compiled.route.method !== method) continue;
    const found = compiled.pattern.exec(rawPath);
    if (found === null) continue;
    const params: Record<string, string> = {};
    compiled.params.forEach((name, i) => {
      params[name] = decode(found[i + 1] ?? '');
    });
    return { compiled, params };
  }
  return undefined;
}

/** API Gateway hands the function decoded path parameters; a broken escape is passed on as is. */
function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Lower-case names; a header sent several times becomes one value joined with commas, as API Gateway does. */
function joinedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values !== undefined) headers[name] = values.join(',');
  }
  return headers;
}

function queryParameters(rawQueryString: string) {
  if (rawQueryString === '') return {};
  const grouped: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    grouped[name] = grouped[name] === undefined ? value : `${grouped[name]},${value}`;
  }
  return { queryStringParameters: grouped };
}

/**
 * The authorizer context as API Gateway writes it: every claim flattened to a string, arrays as
 * `"[a b]"`, and the `scope` claim split into `scopes` (or null).
 */
export function authorizerContext(claims: Record<string, unknown>) {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) continue;
    flat[name] = Array.isArray(value)
      ? `[${value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(' ')}]`
      : typeof value === 'string'
        ? value
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  }
  const scopes =
    typeof claims.scope === 'string' ? claims.scope.split(' ').filter((scope) => scope !== '') : null;
  return { claims: flat, scopes };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number) => String(value).padStart(2, '0');

/** `17/Jun/2024:15:49:29 +0000`, the format of `requestContext.time`. */
function apiGatewayTime(date: Date): string {
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
}

function lambdaContext(deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'get-pat-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:get-pat-local',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/get-pat-local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function writeResult(
  res: ServerResponse,
  result: APIGatewayProxyResultV2,
  requestId: string,
  cors: Record<string, string>,
): void {
  // A payload 2.0 result that is not an object with a statusCode is the body of a 200 (API Gateway's rule).
  const structured =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? result
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  const body =
    structured.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | string[]> = {
    ...stringHeaders(structured.headers),
    'apigw-requestid': requestId,
    ...cors,
  };
  if (structured.cookies !== undefined && structured.cookies.length > 0)
    headers['set-cookie'] = structured.cookies;
  headers['content-length'] = String(body.length);
  res.writeHead(structured.statusCode ?? 200, headers);
  res.end(body);
}

function stringHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = String(value);
  return result;
}

function gatewayAnswer(
  res: ServerResponse,
  status: keyof typeof GATEWAY_MESSAGES,
  requestId: string,
  headers: Record<string, string> = {},
  cors: Record<string, string> = {},
): void {
  const body = JSON.stringify({ message: GATEWAY_MESSAGES[status] });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'apigw-requestid': requestId,
    ...headers,
    ...cors,
  });
  res.end(body);
}

/** Paths go into the request log: cut them short and never print anything shaped like a token. */
function printablePath(rawPath: string): string {
  const redacted = rawPath.replace(/eyJ[\w%-]*(\.[\w%-]*){0,2}/g, '[jwt]').replace(/pat_\w+/g, '[pat]');
  return redacted.length > 120 ? `${redacted.slice(0, 117)}...` : redacted;
}

import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { EmfMetrics, PATS_METRICS } from '../../lambda/adapters/emf-metrics';
import { JsonLogger, type LogLevel } from '../../lambda/adapters/json-logger';
import { authorizerDependencies } from '../../lambda/authorizer/dependencies';
import {
  type AuthorizerDependencies,
  type AuthorizerResult,
  createAuthorizerHandler,
} from '../../lambda/authorizer/handler';
import { loadConfig } from '../../lambda/config';
import { AUTHORIZER_SETTINGS, MANAGEMENT_SETTINGS } from '../../lambda/config/schema';
import { patRouteDependencies } from '../../lambda/dependencies';
import { handlerFor } from '../../lambda/http/pipeline';
import type { HttpResult } from '../../lambda/http/responses';
import type { PatRouteDependencies } from '../../lambda/routes/management';
import { ROUTES, type RouteName, routeKey, routeNamed, routeScopes } from '../../lib/routes';
import { authorizerEvent, httpApiEvent, lambdaContext } from '../../local/aws-payloads';
import { auditTableOf, newTableName, TestDynamo } from './dynamodb';
import { TestIssuer } from './issuer';
import { checkResponse } from './openapi';

export type Invoke = (event: APIGatewayProxyEventV2) => Promise<HttpResult>;

/** The environment a deployed function gets, pointed at the test's own table and issuer. */
export function functionEnv(
  dynamo: Pick<TestDynamo, 'endpoint'>,
  issuer: Pick<TestIssuer, 'url' | 'audience'>,
  tableName: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TABLE_NAME: tableName,
    AUDIT_TABLE_NAME: auditTableOf(tableName),
    EVENT_BUS_NAME: 'pats-api-test',
    JWT_ISSUER: issuer.url,
    JWT_AUDIENCE: issuer.audience,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    ...extra,
  };
}

/** The run's DynamoDB Local with a fresh PAT table, and a real issuer. */
export async function startBackends() {
  const [dynamo, issuer] = await Promise.all([TestDynamo.start(), TestIssuer.start()]);
  const tableName = await dynamo.createPatsTable(newTableName());
  return {
    dynamo,
    issuer,
    tableName,
    env: (extra: Record<string, string> = {}) => functionEnv(dynamo, issuer, tableName, extra),
    stop: async () => {
      await Promise.all([dynamo.stop(), issuer.stop()]);
    },
  };
}

/** Where the handlers built here write their log lines and metrics: kept, not printed. */
export class Sink {
  readonly lines: string[] = [];

  readonly write = (line: string) => {
    this.lines.push(line);
  };

  records(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  text(): string {
    return this.lines.join('\n');
  }
}

/** The production logger and metrics, writing to `sink` instead of stdout. */
function writingTo(sink: Sink, config: { log: { level: LogLevel } }) {
  return {
    logger: new JsonLogger({ serviceName: 'pats-api', level: config.log.level, write: sink.write }),
    metrics: new EmfMetrics({
      namespace: PATS_METRICS.namespace,
      defaultDimensions: { Service: PATS_METRICS.service },
      definitions: PATS_METRICS.definitions,
      write: sink.write,
    }),
  };
}

/**
 * A route's production handler, built by the production composition root from a configuration
 * read the production way, and invoked the way the Lambda runtime invokes it. Its log lines and
 * metrics go to `sink`. Every response it gives is checked against the contract and the OpenAPI
 * document (see `assertConformsToContract`), whatever the test asserts.
 */
export function routeHandler(
  name: RouteName,
  env: Record<string, string>,
  options: { sink?: Sink; overrides?: Partial<PatRouteDependencies> } = {},
): Invoke {
  const route = routeNamed(name);
  const sink = options.sink ?? new Sink();
  const config = loadConfig(MANAGEMENT_SETTINGS, env);
  const handler = handlerFor(
    route,
    patRouteDependencies(config, { ...writingTo(sink, config), ...options.overrides }),
  );
  return async (event) => {
    const result = await handler(event, lambdaContext({ functionName: name }));
    assertConformsToContract(route, result);
    return result;
  };
}

/** What the authorizer is asked: an Authorization header (or none) on a route. */
export interface Authorize {
  (authorization: string | undefined, routeKey?: string): Promise<AuthorizerResult>;
  /** The same handler given `event` as it is: events API Gateway would not send. */
  readonly invoke: (event: APIGatewayRequestAuthorizerEventV2) => Promise<AuthorizerResult>;
}

/**
 * The credential authorizer's production handler, configured from `env` as the Lambda reads its
 * environment (ROUTE_SCOPES included), invoked with the REQUEST event API Gateway sends for
 * `routeKey`. Log lines and metrics go to `sink`; `overrides` for a clock or fault injection.
 */
export function authorizerHandler(
  env: Record<string, string>,
  options: { sink?: Sink; overrides?: Partial<AuthorizerDependencies> } = {},
): Authorize {
  const sink = options.sink ?? new Sink();
  // The route scopes the stack hands it, unless the test gives its own.
  const config = loadConfig(AUTHORIZER_SETTINGS, {
    ROUTE_SCOPES: JSON.stringify(routeScopes(ROUTES)),
    ...env,
  });
  const handler = createAuthorizerHandler(
    authorizerDependencies(config, { ...writingTo(sink, config), ...options.overrides }),
  );
  const invoke = (event: APIGatewayRequestAuthorizerEventV2) =>
    handler(event, lambdaContext({ functionName: 'authorizer' }));
  const authorize = (authorization: string | undefined, routeKey = 'GET /api/v1/whoami') =>
    invoke(
      authorizerEvent({
        routeKey,
        rawPath: routeKey.split(' ')[1] ?? '/',
        headers: authorization === undefined ? {} : { authorization },
      }),
    );
  return Object.assign(authorize, { invoke });
}

export interface RouteEventOptions {
  readonly id?: string;
  /** A JWT for `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** The whole Authorization header (wins over `token`). */
  readonly authorization?: string;
  readonly workspace?: string;
  /** A value is sent as JSON with `Content-Type: application/json`; a string as it is. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** What the credential authorizer handed the route (`requestContext.authorizer.lambda`). */
  readonly lambdaAuthorizer?: Readonly<Record<string, unknown>>;
}

/** The payload 2.0 event API Gateway would send for a request to the route. */
export function routeEvent(name: RouteName, options: RouteEventOptions = {}): APIGatewayProxyEventV2 {
  const route = routeNamed(name);
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const contentType =
    options.contentType ??
    (body !== undefined && typeof options.body !== 'string' ? 'application/json' : undefined);
  const rawPath = route.path.replace('{id}', encodeURIComponent(options.id ?? ''));
  return httpApiEvent({
    method: route.method,
    routeKey: routeKey(route),
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: {
      authorization:
        options.authorization ?? (options.token !== undefined ? `Bearer ${options.token}` : undefined),
      'x-workspace-id': options.workspace,
      'content-type': contentType,
      ...options.headers,
    },
    ...(options.id !== undefined ? { pathParameters: { id: options.id } } : {}),
    ...(body !== undefined ? { body } : {}),
    ...(options.lambdaAuthorizer !== undefined ? { lambdaAuthorizer: options.lambdaAuthorizer } : {}),
  });
}

/**
 * What holds for every function response: no-store, nosniff, a request id; JSON with a body valid
 * against the OpenAPI document for its route and status, or a 204 with neither; no `tokenHash`,
 * stack trace or ARN anywhere; a challenge on 401, a numeric `Retry-After` on 503, and a
 * `Location` naming the new PAT on 201.
 */
export function assertConformsToContract(route: { method: string; path: string }, result: HttpResult): void {
  const problems: string[] = [];
  if (result.headers['cache-control'] !== 'no-store') problems.push('cache-control is not no-store');
  if (!result.headers['x-request-id']) problems.push('no x-request-id');
  if (result.headers['x-content-type-options'] !== 'nosniff')
    problems.push('x-content-type-options is not nosniff');
  let body: unknown;
  if (result.statusCode === 204) {
    if (result.body !== undefined) problems.push('a 204 with a body');
    if (result.headers['content-type'] !== undefined) problems.push('a 204 with a content-type');
  } else {
    if (result.headers['content-type'] !== 'application/json')
      problems.push('content-type is not application/json');
    body = JSON.parse(result.body ?? '');
  }
  problems.push(...checkResponse(route, result.statusCode, body));
  const text = result.body ?? '';
  if (text.includes('tokenHash')) problems.push('the body mentions tokenHash');
  if (/\bat .+:\d+:\d+|arn:aws/.test(text)) problems.push('the body holds a stack trace or an ARN');
  if (result.statusCode === 401 && !result.headers['www-authenticate'])
    problems.push('401 without WWW-Authenticate');
  if (result.statusCode === 503 && !/^\d+$/.test(result.headers['retry-after'] ?? '')) {
    problems.push('503 without a numeric Retry-After');
  }
  if (result.statusCode === 201) {
    const id = (body as { data?: { id?: string } }).data?.id;
    if (result.headers.location !== `/api/v1/pats/${id}`)
      problems.push('201 without a Location naming the new PAT');
  }
  if (problems.length > 0) {
    throw new Error(`Response ${result.statusCode} breaks the contract: ${problems.join('; ')}\n${text}`);
  }
}

/** A response body as JSON (the one helper for it: every function response is JSON or empty). */
/**
 * A stopped clock for measuring latency: the first reading after `start()` is the event's
 * arrival, every later one `latencyMs` on, so a handler that measures from its first reading
 * logs exactly `latencyMs`.
 */
export function steppingClock(latencyMs: number) {
  const arrival = Date.now();
  let readings = 0;
  return {
    now: () => arrival + (readings++ === 0 ? 0 : latencyMs),
    /** The next reading is an arrival again (one per invocation). */
    start: () => {
      readings = 0;
    },
  };
}

export const bodyOf = <T = Record<string, unknown>>(result: HttpResult): T =>
  JSON.parse(result.body ?? 'null') as T;

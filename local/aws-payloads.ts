import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';

/**
 * The AWS payloads this project builds outside AWS, in one place: the HTTP API payload 2.0 events
 * and Lambda contexts that the local gateway, the sample events of `events/`, the tests and the
 * benchmarks hand to the very handlers Lambda runs, and the DynamoDB client for a local endpoint.
 */

export interface HttpEventInput {
  readonly method: string;
  /** The route's key, e.g. `GET /api/v1/pats/{id}`. */
  readonly routeKey: string;
  readonly rawPath: string;
  readonly rawQueryString?: string;
  /** Header names as sent; they are lower-cased, as API Gateway does. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  /** What the JWT authorizer put in `requestContext.authorizer.jwt` (see `jwtAuthorizerContext`). */
  readonly jwtAuthorizer?: ReturnType<typeof jwtAuthorizerContext>;
  /** What a Lambda authorizer put in `requestContext.authorizer.lambda` (its simple response's context). */
  readonly lambdaAuthorizer?: Readonly<Record<string, unknown>>;
  readonly requestId?: string;
  readonly sourceIp?: string;
  readonly protocol?: string;
  /** `Host`, when the headers do not say. @default 'localhost' */
  readonly domainName?: string;
  readonly time?: Date;
  /** @default '123456789012' */
  readonly accountId?: string;
}

/**
 * An HTTP API (payload 2.0) event as API Gateway sends it: lower-case header names, cookies apart,
 * repeated query parameters joined with commas, decoded path parameters.
 */
export function httpApiEvent(input: HttpEventInput): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const { cookie, ...headersWithoutCookies } = headers;
  const rawQueryString = input.rawQueryString ?? '';
  const domainName = headers.host ?? input.domainName ?? 'localhost';
  const time = input.time ?? new Date();
  return {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString,
    ...(cookie !== undefined ? { cookies: cookie.split(/;\s*/) } : {}),
    headers: headersWithoutCookies,
    ...queryParameters(rawQueryString),
    ...(input.pathParameters !== undefined && Object.keys(input.pathParameters).length > 0
      ? { pathParameters: { ...input.pathParameters } }
      : {}),
    requestContext: {
      accountId: input.accountId ?? '123456789012',
      apiId: 'local',
      ...(input.jwtAuthorizer !== undefined ? { authorizer: { jwt: input.jwtAuthorizer } } : {}),
      ...(input.lambdaAuthorizer !== undefined
        ? { authorizer: { lambda: { ...input.lambdaAuthorizer } } }
        : {}),
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: input.method,
        path: input.rawPath,
        protocol: input.protocol ?? 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId ?? randomBytes(10).toString('base64'),
      routeKey: input.routeKey,
      stage: '$default',
      time: apiGatewayTime(time),
      timeEpoch: time.getTime(),
    },
    ...(input.body !== undefined ? { body: input.body } : {}),
    isBase64Encoded: input.isBase64Encoded ?? false,
  } as APIGatewayProxyEventV2;
}

/**
 * The event API Gateway sends an HTTP API Lambda authorizer (REQUEST, payload 2.0) whose identity
 * sources are the Authorization header and the route key, as `PatAuthorizer` configures it.
 */
export function authorizerEvent(input: {
  readonly routeKey: string;
  readonly rawPath: string;
  readonly rawQueryString?: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly requestId?: string;
  readonly sourceIp?: string;
  readonly time?: Date;
}): APIGatewayRequestAuthorizerEventV2 {
  const [method = 'GET'] = input.routeKey.split(' ');
  const request = httpApiEvent({ method, ...input });
  const headers = request.headers as Record<string, string>;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:123456789012:local/$default/${method}${input.rawPath}`,
    identitySource: [headers.authorization ?? '', input.routeKey],
    routeKey: input.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    cookies: request.cookies ?? [],
    headers,
    ...(request.queryStringParameters !== undefined
      ? { queryStringParameters: request.queryStringParameters as Record<string, string> }
      : {}),
    requestContext: request.requestContext,
    ...(request.pathParameters !== undefined
      ? { pathParameters: request.pathParameters as Record<string, string> }
      : {}),
  };
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
 * The JWT authorizer's context as API Gateway writes it: every claim flattened to a string, arrays
 * as `"[a b]"`, and the `scope` claim split into `scopes` (or null).
 */
export function jwtAuthorizerContext(claims: Readonly<Record<string, unknown>>) {
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

/** A Lambda context as the runtime passes it, with a deadline for `getRemainingTimeInMillis`. */
export function lambdaContext(
  options: { readonly functionName?: string; readonly timeoutMs?: number; readonly memoryMb?: number } = {},
): Context {
  const functionName = options.functionName ?? 'pats-api-local';
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: String(options.memoryMb ?? 512),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A document client for a local DynamoDB endpoint (DynamoDB Local accepts any credentials). */
export function localDynamoDbClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}

import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

let counter = 0;

/**
 * An HTTP API (payload 2.0) event for `GET /api/v1/pats/{id}`, shaped as API Gateway sends it:
 * lower-case header names, the decoded path parameter, a request context with its own id.
 */
export function getPatEvent(options: {
  id?: string | undefined;
  headers?: Record<string, string | undefined>;
}): APIGatewayProxyEventV2 {
  counter += 1;
  const requestId = `req-${counter}`;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const id = options.id;
  const rawPath = `/api/v1/pats/${encodeURIComponent(id ?? '')}`;
  return {
    version: '2.0',
    routeKey: 'GET /api/v1/pats/{id}',
    rawPath,
    rawQueryString: '',
    headers,
    ...(id !== undefined ? { pathParameters: { id } } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      domainName: 'api-id.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'api-id',
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId,
      routeKey: 'GET /api/v1/pats/{id}',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  };
}

/** A Lambda context as the runtime passes it. */
export function lambdaContext(): Context {
  counter += 1;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'get-pat',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:get-pat',
    memoryLimitInMB: '256',
    awsRequestId: `aws-req-${counter}`,
    logGroupName: '/aws/lambda/get-pat',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROUTES } from '../lib/routes';
import { DEMO } from './demo';
import { authorizerContext } from './gateway';

/** A workspace the demo user is not a member of, and a PAT id that does not exist. */
export const OTHER_WORKSPACE_ID = 'c0ffee00-0000-4000-8000-000000000002';
export const MISSING_PAT_ID = 'c0ffee00-0000-4000-8000-0000000000ff';

export type SampleName = 'get-pat-200' | 'get-pat-401' | 'get-pat-403' | 'get-pat-404';

const route = ROUTES[0];

/**
 * The sample HTTP API (payload 2.0) events of `events/`, for `sam local invoke` and direct
 * invocations. They carry what API Gateway would send after its authorizer let the token through
 * (including the flattened claims), except the 401 one, which shows the function's own refusal of a
 * personal access token.
 */
export function sampleEvents(options: {
  token: string;
  claims: Record<string, unknown>;
  pat: string;
}): Record<SampleName, APIGatewayProxyEventV2> {
  const event = (
    name: string,
    patId: string,
    workspaceId: string,
    authorization: string,
    claims?: Record<string, unknown>,
  ) => {
    const rawPath = `/api/v1/pats/${patId}`;
    return {
      version: '2.0',
      routeKey: `${route?.method} ${route?.path}`,
      rawPath,
      rawQueryString: '',
      headers: {
        accept: 'application/json',
        authorization,
        host: 'localhost:8080',
        'user-agent': 'sam-local-invoke',
        'x-workspace-id': workspaceId,
      },
      pathParameters: { id: patId },
      requestContext: {
        accountId: '123456789012',
        apiId: 'local',
        ...(claims !== undefined ? { authorizer: { jwt: authorizerContext(claims) } } : {}),
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: {
          method: 'GET',
          path: rawPath,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'sam-local-invoke',
        },
        requestId: `sample-${name}`,
        routeKey: `${route?.method} ${route?.path}`,
        stage: '$default',
        time: '01/Jan/2026:00:00:00 +0000',
        timeEpoch: 1767225600000,
      },
      isBase64Encoded: false,
    } as APIGatewayProxyEventV2;
  };
  const bearer = `Bearer ${options.token}`;
  return {
    'get-pat-200': event('200', DEMO.patId, DEMO.workspaceId, bearer, options.claims),
    'get-pat-401': event('401', DEMO.patId, DEMO.workspaceId, `Bearer ${options.pat}`),
    'get-pat-403': event('403', DEMO.patId, OTHER_WORKSPACE_ID, bearer, options.claims),
    'get-pat-404': event('404', MISSING_PAT_ID, DEMO.workspaceId, bearer, options.claims),
  };
}

/** Expected statuses, for the README and the test that invokes the built function with them. */
export const SAMPLE_STATUS: Readonly<Record<SampleName, number>> = {
  'get-pat-200': 200,
  'get-pat-401': 401,
  'get-pat-403': 403,
  'get-pat-404': 404,
};

/**
 * `sam local invoke --env-vars`: the function, inside SAM's container, reaches the embedded store
 * and the dev issuer's keys on the host as host.docker.internal. `JWT_ISSUER` stays the `iss` the
 * dev tokens carry. SAM only overrides variables the template declares; the stack declares these
 * when synthesized with `-c localInvoke=true`.
 */
export function samEnvVars(options: {
  dynamoDbPort: number;
  devIssuerPort: number;
  tableName: string;
  audience: string;
  issuer: string;
}) {
  return {
    Parameters: {
      TABLE_NAME: options.tableName,
      DYNAMODB_ENDPOINT: `http://host.docker.internal:${options.dynamoDbPort}`,
      JWT_ISSUER: options.issuer,
      JWKS_URI: `http://host.docker.internal:${options.devIssuerPort}/.well-known/jwks.json`,
      JWT_AUDIENCE: options.audience,
    },
  };
}

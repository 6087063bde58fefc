import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { formatPatToken } from '../lambda/domain/token-format';
import { ROUTES, type RouteDefinition, routeKey, type SampleDefinition } from '../lib/routes';
import { httpApiEvent, jwtAuthorizerContext } from './aws-payloads';
import { DEMO } from './demo';

/** A workspace the demo user is not a member of, and a PAT id that does not exist. */
export const OTHER_WORKSPACE_ID = 'c0ffee00-0000-4000-8000-000000000002';
export const MISSING_PAT_ID = '01936d3a-7c00-7000-8000-0000000000ff';

export interface SampleEvent {
  /** `<entry>-<status>`, the file name in `events/` without `.json`. */
  readonly name: string;
  readonly route: RouteDefinition;
  readonly sample: SampleDefinition;
  readonly event: APIGatewayProxyEventV2;
}

const PAT_IDS = {
  demo: DEMO.patId,
  missing: MISSING_PAT_ID,
  revocable: DEMO.revocablePatId,
  rotatable: DEMO.rotatablePatId,
} as const;

/**
 * The sample HTTP API (payload 2.0) events of `events/`, one per sample of each route in
 * `lib/routes.ts`, for `sam local invoke` and direct invocations. They carry what API Gateway would
 * send after its authorizer let the token through (the flattened claims included); a sample
 * whose credential is a PAT shows the function's own refusal (401) of what the gateway would
 * already have refused.
 */
export function sampleEvents(options: { token: string; claims: Record<string, unknown> }): SampleEvent[] {
  // A PAT in the real format, of the demo workspace: management routes refuse any PAT.
  const pat = formatPatToken(randomBytes(32), { workspaceId: DEMO.workspaceId, id: MISSING_PAT_ID });
  return ROUTES.flatMap((route) =>
    route.samples.map((sample) => {
      const name = `${route.entry}-${sample.status}`;
      const patId = sample.pat === undefined ? undefined : PAT_IDS[sample.pat];
      const rawPath = route.path.replace('{id}', patId ?? '');
      const query = new URLSearchParams(sample.query ?? {}).toString();
      const body = sample.body === undefined ? undefined : JSON.stringify(sample.body);
      const viaPat = sample.credential === 'pat';
      const event = httpApiEvent({
        method: route.method,
        routeKey: routeKey(route),
        rawPath,
        rawQueryString: query,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${viaPat ? pat : options.token}`,
          host: 'localhost:8080',
          'user-agent': 'sam-local-invoke',
          'x-workspace-id': sample.workspace === 'other' ? OTHER_WORKSPACE_ID : DEMO.workspaceId,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(patId !== undefined ? { pathParameters: { id: patId } } : {}),
        ...(body !== undefined ? { body } : {}),
        ...(viaPat ? {} : { jwtAuthorizer: jwtAuthorizerContext(options.claims) }),
        requestId: `sample-${name}`,
        time: new Date('2026-01-01T00:00:00Z'),
      });
      return { name, route, sample, event };
    }),
  );
}

/**
 * `sam local invoke --env-vars`: the functions, inside SAM's container, reach the embedded store
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

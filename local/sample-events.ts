import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { CredentialContext } from '../lambda/domain/authorize';
import { formatPatToken } from '../lambda/domain/token-format';
import {
  ROUTES,
  type RouteDefinition,
  routeKey,
  routeNamed,
  type SampleDefinition,
  sampleName,
} from '../lib/routes';
import { authorizerEvent, httpApiEvent, jwtAuthorizerContext } from './aws-payloads';
import { DEMO } from './demo';

/** A workspace the demo user is not a member of, and a PAT id that does not exist. */
export const OTHER_WORKSPACE_ID = 'c0ffee00-0000-4000-8000-000000000002';
export const MISSING_PAT_ID = '01936d3a-7c00-7000-8000-0000000000ff';

/** A PAT of the right format and checksum, of the demo workspace, that does not exist. */
const SAMPLE_PAT = formatPatToken(new Uint8Array(32).fill(0x5a), {
  workspaceId: DEMO.workspaceId,
  id: MISSING_PAT_ID,
});

export interface SampleEvent {
  /** The file name in `events/` without `.json`. */
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

const SAMPLE_TIME = new Date('2026-01-01T00:00:00Z');
const SAMPLE_HEADERS = {
  accept: 'application/json',
  host: 'localhost:8080',
  'user-agent': 'sam-local-invoke',
};

export interface SampleCredentials {
  /** A user JWT of the demo user. */
  readonly token: string;
  readonly claims: Record<string, unknown>;
  /** The demo PAT's token, when it is known (it is shown once; `npm start` keeps it in the data folder). */
  readonly patToken?: string | undefined;
}

/**
 * The sample HTTP API (payload 2.0) events of `events/`, one per sample of each route in
 * `lib/routes.ts`, for `sam local invoke` and direct invocations. They carry what API Gateway would
 * send after the route's authorizer let the request through: the JWT authorizer's flattened
 * claims, or the credential authorizer's context. A management route's sample whose credential is
 * a PAT shows the function's own refusal (401) of what the gateway would already have refused.
 */
export function sampleEvents(credentials: SampleCredentials): SampleEvent[] {
  // The Authorization header of a sample made with a PAT: management routes refuse any PAT, and a
  // credential route reads the authorizer's context, so a stand-in does, and no secret is written.
  const pat = SAMPLE_PAT;
  return ROUTES.flatMap((route) =>
    route.samples.map((sample) => {
      const name = sampleName(route, sample);
      const patId = sample.pat === undefined ? undefined : PAT_IDS[sample.pat];
      const body = sample.body === undefined ? undefined : JSON.stringify(sample.body);
      const viaPat = sample.credential === 'pat';
      const event = httpApiEvent({
        method: route.method,
        routeKey: routeKey(route),
        rawPath: route.path.replace('{id}', patId ?? ''),
        rawQueryString: new URLSearchParams(sample.query ?? {}).toString(),
        headers: {
          ...SAMPLE_HEADERS,
          authorization: `Bearer ${viaPat ? pat : credentials.token}`,
          ...(route.authorizer === 'jwt'
            ? { 'x-workspace-id': sample.workspace === 'other' ? OTHER_WORKSPACE_ID : DEMO.workspaceId }
            : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(patId !== undefined ? { pathParameters: { id: patId } } : {}),
        ...(body !== undefined ? { body } : {}),
        ...(route.authorizer === 'credential'
          ? { lambdaAuthorizer: viaPat ? demoPatContext() : demoUserContext(credentials.claims) }
          : viaPat
            ? {}
            : { jwtAuthorizer: jwtAuthorizerContext(credentials.claims) }),
        requestId: `sample-${name}`,
        time: SAMPLE_TIME,
      });
      return { name, route, sample, event };
    }),
  );
}

/** What the credential authorizer hands a route for the demo PAT. */
function demoPatContext(): CredentialContext {
  return {
    tokenType: 'pat',
    subject: DEMO.subject,
    workspaceId: DEMO.workspaceId,
    patId: DEMO.patId,
    name: 'Demo PAT',
    expiresAt: '2027-01-01T00:00:00.000Z',
    scopes: 'read write',
  };
}

/** What the credential authorizer hands a route for the demo user's JWT. */
function demoUserContext(claims: Record<string, unknown>): CredentialContext {
  const workspaces = Array.isArray(claims.workspaces) ? claims.workspaces.join(' ') : '';
  return { tokenType: 'user', subject: String(claims.sub ?? ''), workspaces };
}

/**
 * The sample events of the credential authorizer (`events/authorizer-<case>.json`): the request
 * API Gateway sends it for `GET /api/v1/whoami` with the demo PAT (allowed; only when its token
 * is known, and git-ignored since it holds it), with the demo user's JWT (allowed), and with a
 * PAT of the right shape that does not exist (denied).
 */
export function authorizerSampleEvents(
  credentials: SampleCredentials,
): Record<string, APIGatewayRequestAuthorizerEventV2> {
  const whoami = routeNamed('whoami');
  const event = (name: string, authorization: string) =>
    authorizerEvent({
      routeKey: routeKey(whoami),
      rawPath: whoami.path,
      headers: { ...SAMPLE_HEADERS, authorization },
      requestId: `sample-authorizer-${name}`,
      time: SAMPLE_TIME,
    });
  return {
    ...(credentials.patToken !== undefined
      ? { 'authorizer-pat': event('pat', `Bearer ${credentials.patToken}`) }
      : {}),
    'authorizer-jwt': event('jwt', `Bearer ${credentials.token}`),
    'authorizer-unknown-pat': event('unknown-pat', `Bearer ${SAMPLE_PAT}`),
  };
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

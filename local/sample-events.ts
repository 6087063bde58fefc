import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { toAuditItem } from '../lambda/adapters/audit-table-schema';
import { AUDIT, FUNCTION_SETTINGS } from '../lambda/config/schema';
import { environmentOf } from '../lambda/config/setting';
import { auditRecord, userActor } from '../lambda/domain/audit';
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

export interface SampleEvent {
  /** The file name in `events/` without `.json`. */
  readonly name: string;
  readonly route: RouteDefinition;
  readonly sample: SampleDefinition;
  readonly event: APIGatewayProxyEventV2;
}

/** The workspace, PATs and credentials the samples are about: the demo's, or a test's or benchmark's own. */
export interface SampleWorld {
  readonly workspaceId: string;
  /** A workspace the user is not a member of. */
  readonly otherWorkspaceId: string;
  /** The PAT each kind of sample names. */
  readonly patIds: Readonly<Record<NonNullable<SampleDefinition['pat']>, string>>;
  /** A user JWT of the workspace's user, and its claims. */
  readonly token: string;
  readonly claims: Readonly<Record<string, unknown>>;
  /** What the credential authorizer hands a route for the workspace's PAT. */
  readonly patContext: CredentialContext;
  /** A PAT of the workspace (its token), when known. */
  readonly patToken?: string | undefined;
}

const SAMPLE_TIME = new Date('2026-01-01T00:00:00Z');
const SAMPLE_HEADERS = {
  accept: 'application/json',
  host: 'localhost:8080',
  'user-agent': 'sam-local-invoke',
};

/**
 * The HTTP API (payload 2.0) event of a route's sample: what API Gateway would send after the
 * route's authorizer let the request through (the JWT authorizer's flattened claims, or the
 * credential authorizer's context). A management route's sample whose credential is a PAT shows
 * the function's own refusal (401) of what the gateway would already have refused.
 */
export function sampleEvent(route: RouteDefinition, sample: SampleDefinition, world: SampleWorld) {
  const name = sampleName(route, sample);
  const patId = sample.pat === undefined ? undefined : world.patIds[sample.pat];
  const body = sample.body === undefined ? undefined : JSON.stringify(sample.body);
  const viaPat = sample.credential === 'pat';
  // Management routes refuse any PAT and credential routes read the authorizer's context, so a
  // stand-in PAT serves both, and no secret is written.
  const authorization = `Bearer ${viaPat ? standInPat(world.workspaceId) : world.token}`;
  return httpApiEvent({
    method: route.method,
    routeKey: routeKey(route),
    rawPath: route.path.replace('{id}', patId ?? ''),
    rawQueryString: new URLSearchParams({
      ...sample.query,
      ...(sample.patQuery !== undefined ? { patId: world.patIds[sample.patQuery] } : {}),
    }).toString(),
    headers: {
      ...SAMPLE_HEADERS,
      authorization,
      ...(route.authorizer === 'jwt'
        ? { 'x-workspace-id': sample.workspace === 'other' ? world.otherWorkspaceId : world.workspaceId }
        : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(patId !== undefined ? { pathParameters: { id: patId } } : {}),
    ...(body !== undefined ? { body } : {}),
    ...(route.authorizer === 'credential'
      ? { lambdaAuthorizer: viaPat ? world.patContext : userContext(world.claims) }
      : viaPat
        ? {}
        : { jwtAuthorizer: jwtAuthorizerContext(world.claims) }),
    requestId: `sample-${name}`,
    time: SAMPLE_TIME,
  });
}

/** A route's first sample that can be sent again and again (it uses up no PAT): for cold starts. */
export function repeatableSample(route: RouteDefinition): SampleDefinition {
  const sample = route.samples.find(
    (candidate) => candidate.pat !== 'revocable' && candidate.pat !== 'rotatable',
  );
  if (sample === undefined) throw new Error(`${route.name} has no sample that can be repeated`);
  return sample;
}

/** The demo's world: the ids `npm start` seeds, with the demo user's credentials. */
export function demoWorld(credentials: SampleCredentials): SampleWorld {
  return {
    workspaceId: DEMO.workspaceId,
    otherWorkspaceId: OTHER_WORKSPACE_ID,
    patIds: {
      demo: DEMO.patId,
      missing: MISSING_PAT_ID,
      revocable: DEMO.revocablePatId,
      rotatable: DEMO.rotatablePatId,
    },
    token: credentials.token,
    claims: credentials.claims,
    patContext: {
      tokenType: 'pat',
      subject: DEMO.subject,
      workspaceId: DEMO.workspaceId,
      patId: DEMO.patId,
      name: 'Demo PAT',
      // Valid as long as the sample's token: routes refuse an expired credential.
      expiresAt: expiryOf(credentials.claims),
      scopes: 'read write',
    },
    patToken: credentials.patToken,
  };
}

export interface SampleCredentials {
  /** A user JWT of the demo user. */
  readonly token: string;
  readonly claims: Record<string, unknown>;
  /** The demo PAT's token, when it is known (it is shown once; `npm start` keeps it in the data folder). */
  readonly patToken?: string | undefined;
}

/** The sample events of `events/`: one per sample of each route in `lib/routes.ts`, in the demo's world. */
export function sampleEvents(credentials: SampleCredentials): SampleEvent[] {
  const world = demoWorld(credentials);
  return ROUTES.flatMap((route) =>
    route.samples.map((sample) => ({
      name: sampleName(route, sample),
      route,
      sample,
      event: sampleEvent(route, sample, world),
    })),
  );
}

/** What the credential authorizer hands a route for a user's JWT. */
function userContext(claims: Readonly<Record<string, unknown>>): CredentialContext {
  const workspaces = Array.isArray(claims.workspaces) ? claims.workspaces.join(' ') : '';
  return { tokenType: 'user', subject: String(claims.sub ?? ''), workspaces, expiresAt: expiryOf(claims) };
}

/** A JWT's `exp` as the authorizer hands it on. */
const expiryOf = (claims: Readonly<Record<string, unknown>>) =>
  new Date(Number(claims.exp) * 1000).toISOString();

/** A PAT of the right format and checksum, of the workspace, that does not exist. */
const standInPat = (workspaceId: string) =>
  formatPatToken(new Uint8Array(32).fill(0x5a), { workspaceId, id: MISSING_PAT_ID });

/**
 * The sample events of the credential authorizer (`events/authorizer-<case>.json`): the request
 * API Gateway sends it for `GET /api/v1/whoami` with the world's PAT (allowed; only when its token
 * is known, and git-ignored since it holds it), with the user's JWT (allowed), and with a PAT of
 * the right shape that does not exist (denied).
 */
export function authorizerSampleEvents(
  credentials: SampleCredentials | SampleWorld,
): Record<string, APIGatewayRequestAuthorizerEventV2> {
  const whoami = routeNamed('whoami');
  const workspaceId = 'workspaceId' in credentials ? credentials.workspaceId : DEMO.workspaceId;
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
    'authorizer-unknown-pat': event('unknown-pat', `Bearer ${standInPat(workspaceId)}`),
  };
}

/**
 * `sam local invoke --env-vars`: the functions, inside SAM's container, reach the embedded store
 * and the dev issuer's keys on the host as host.docker.internal. The issuer stays the `iss` the
 * dev tokens carry. SAM only overrides variables the template declares; the stack declares these
 * when synthesized with `-c localInvoke=true`.
 */
export function samEnvVars(options: {
  readonly dynamoDbPort: number;
  readonly devIssuerPort: number;
  readonly eventBusPort: number;
  readonly tableName: string;
  readonly auditTableName: string;
  readonly audiences: readonly string[];
  readonly issuer: string;
}) {
  return {
    Parameters: environmentOf(FUNCTION_SETTINGS, {
      table: { name: options.tableName },
      audit: { tableName: options.auditTableName },
      // The publisher sends to `npm start`'s bus, under the name it expects.
      events: {
        busName: FUNCTION_SETTINGS.events.settings.busName.local,
        endpoint: `http://host.docker.internal:${options.eventBusPort}`,
      },
      dynamoDb: { endpoint: `http://host.docker.internal:${options.dynamoDbPort}` },
      jwt: {
        issuer: options.issuer,
        jwksUri: `http://host.docker.internal:${options.devIssuerPort}/.well-known/jwks.json`,
        audiences: options.audiences,
      },
    }),
  };
}

/**
 * The sample events of the publisher and the expiry job: a stream batch of one record (the demo
 * PAT's creation, as the audit table's stream carries it) and a run of the daily schedule.
 */
export function lifecycleSampleEvents(): Record<string, unknown> {
  const record = auditRecord(
    'pat.created',
    { ...DEMO_PAT, workspaceId: DEMO.workspaceId },
    userActor(DEMO.subject),
    {
      at: SAMPLE_TIME.getTime(),
      ids: { next: () => SAMPLE_RECORD_ID },
    },
  );
  const image = marshall(toAuditItem(record, AUDIT.settings.retentionDays.default));
  return {
    'publisher-batch': {
      Records: [
        {
          eventID: 'sample-1',
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: 'us-east-1',
          dynamodb: {
            ApproximateCreationDateTime: SAMPLE_TIME.getTime() / 1000,
            Keys: { workspaceId: image.workspaceId, id: image.id },
            NewImage: image,
            SequenceNumber: '100000000000000000001',
            SizeBytes: 300,
            StreamViewType: 'NEW_IMAGE',
          },
          eventSourceARN:
            'arn:aws:dynamodb:us-east-1:123456789012:table/pats-audit/stream/2026-01-01T00:00:00.000',
        },
      ],
    },
    // What the stack's schedule sends (`ExpiryJob`): when the run was due.
    'expiry-job-run': { scheduledTime: '2026-01-01T03:00:00Z' },
  };
}

/** A record id of the sample time (UUIDv7 of 2026-01-01). */
const SAMPLE_RECORD_ID = '019b76da-a800-7000-8000-000000000001';
const DEMO_PAT = { id: DEMO.patId, name: 'Demo PAT', tokenPrefix: 'pat_00000000' };

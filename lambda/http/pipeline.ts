import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EmfMetrics } from '../adapters/emf-metrics';
import type { Logger } from '../adapters/json-logger';
import type { CredentialContext } from '../domain/authorize';
import { InvalidWorkspaceIdError, UnauthorizedError } from '../domain/errors';
import type { AuditEvent } from '../domain/mint-pat';
import type { Authenticator, Clock, Principal } from '../domain/ports';
import { normaliseUuid } from '../domain/uuid';
import { assertGranted } from '../domain/workspace-grant';
import { auditLog } from './audit-log';
import { type AuditTrail, invocationMiddleware, invocationOf } from './invocation';
import { header } from './request';
import { requestMetrics } from './request-metrics';
import { errorResponse, type HttpResult } from './responses';

/** What every HTTP handler needs, whatever its route. */
export interface HttpDependencies {
  readonly logger: Logger;
  readonly metrics: EmfMetrics;
  readonly clock: Clock;
}

/** What the management routes (everything under `/api/v1/pats`) need on top: a user JWT and a workspace. */
export interface ManagementDependencies extends HttpDependencies {
  readonly authenticator: Authenticator;
  /** The claim listing the workspaces a user may act in. */
  readonly workspaceClaim: string;
}

/** What a route did: its response and, for a write, the audit event. */
export interface RouteOutcome {
  readonly response: HttpResult;
  readonly audit?: AuditEvent;
}

/**
 * A management route: `read` checks what the request itself carries (path id, query, body; the
 * contract's steps 3 and 4) and `run` does the operation (step 6). The pipeline does the rest.
 */
export interface ManagementRoute<Deps extends ManagementDependencies, Input> {
  readonly name: string;
  readonly read: (
    event: APIGatewayProxyEventV2,
    context: { readonly workspaceId: string; readonly trail: AuditTrail; readonly deps: Deps },
  ) => Input;
  readonly run: (
    call: { readonly principal: Principal; readonly workspaceId: string; readonly input: Input },
    deps: Deps,
  ) => Promise<RouteOutcome>;
}

/**
 * The Middy chain every handler shares: invocation state, metrics, the request and audit lines,
 * and the one error → response mapping. Middy runs `after`/`onError` in reverse order, so errors
 * become responses first, then the log lines and the metrics see the response the client gets.
 */
export function httpChain(route: string, deps: HttpDependencies) {
  const now = () => deps.clock.now();
  return middy<APIGatewayProxyEventV2, HttpResult>()
    .use(invocationMiddleware<HttpResult>({ route, logger: deps.logger, now }))
    .use(requestMetrics(deps.metrics))
    .use(auditLog({ logger: deps.logger, now }))
    .use({
      onError: (request) => {
        request.response = errorResponse(request.error);
      },
    });
}

/**
 * A management route as a Lambda handler (HTTP API payload 2.0), with the contract's order of
 * checks: 1 the user JWT, 2 `X-Workspace-Id`, 3–4 the route's own `read`, 5 the workspace grant,
 * 6 the operation. The same handler serves Lambda, `sam local invoke` and the local API.
 */
export function managementHandler<Deps extends ManagementDependencies, Input>(
  route: ManagementRoute<Deps, Input>,
  deps: Deps,
) {
  return httpChain(route.name, deps).handler(async (event) => {
    const invocation = invocationOf(event);
    const { trail } = invocation;
    const principal = await deps.authenticator.authenticate(header(event, 'authorization'));
    if (principal.subject !== undefined) trail.subject = principal.subject;

    const workspaceId = normaliseUuid(header(event, 'x-workspace-id'));
    if (workspaceId === undefined) throw new InvalidWorkspaceIdError();
    trail.workspaceId = workspaceId;

    const input = route.read(event, { workspaceId, trail, deps });
    assertGranted(principal, workspaceId, deps.workspaceClaim);

    const outcome = await route.run({ principal, workspaceId, input }, deps);
    if (outcome.audit !== undefined) invocation.audit = outcome.audit;
    return outcome.response;
  });
}

/**
 * A route behind the credential authorizer (a PAT or a JWT): `run` gets the credential the
 * authorizer vouched for, from `requestContext.authorizer.lambda`, and must not look further.
 */
export interface CredentialRoute<Deps extends HttpDependencies> {
  readonly name: string;
  readonly run: (
    call: { readonly credential: CredentialContext; readonly event: APIGatewayProxyEventV2 },
    deps: Deps,
  ) => Promise<RouteOutcome>;
}

/**
 * A route behind the credential authorizer as a Lambda handler. API Gateway only invokes it once
 * the authorizer allowed the request; invoked any other way (directly, `sam local invoke` without
 * a context), it has no credential to act on and answers 401.
 */
export function credentialHandler<Deps extends HttpDependencies>(route: CredentialRoute<Deps>, deps: Deps) {
  return httpChain(route.name, deps).handler(async (event) => {
    const credential = credentialOf(event);
    const { trail } = invocationOf(event);
    trail.subject = credential.subject;
    trail.tokenType = credential.tokenType;
    if (credential.tokenType === 'pat') {
      trail.workspaceId = credential.workspaceId;
      trail.patId = credential.patId;
    }
    return (await route.run({ credential, event }, deps)).response;
  });
}

/** The authorizer's context of a payload 2.0 event, checked to be one the credential authorizer writes. */
function credentialOf(event: APIGatewayProxyEventV2): CredentialContext {
  const context = (event.requestContext as { authorizer?: { lambda?: Record<string, unknown> } }).authorizer
    ?.lambda;
  const text = (key: string) => typeof context?.[key] === 'string';
  if (
    context?.tokenType === 'pat' &&
    ['subject', 'workspaceId', 'patId', 'name', 'expiresAt', 'scopes'].every(text)
  ) {
    return context as CredentialContext;
  }
  if (context?.tokenType === 'user' && ['subject', 'workspaces'].every(text))
    return context as CredentialContext;
  throw new UnauthorizedError('This route is reached through the credential authorizer only.', {
    credentialsSent: false,
    reason: 'no_authorizer',
  });
}

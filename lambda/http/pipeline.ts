import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { EmfMetrics } from '../adapters/emf-metrics';
import type { Logger } from '../adapters/json-logger';
import { credentialOf } from '../authorizer/credential';
import { loadConfig } from '../config';
import { CONTEXT_ONLY_SETTINGS } from '../config/schema';
import { InvalidWorkspaceIdError } from '../domain/errors';
import type { Authenticator, Clock } from '../domain/ports';
import { normaliseUuid } from '../domain/uuid';
import { assertGranted } from '../domain/workspace-grant';
import type { ManagementRoute, PatRouteDependencies } from '../routes/management';
import type { CredentialRoute, Route } from '../routes/route';
import { auditLog } from './audit-log';
import { httpDependencies } from './http-dependencies';
import { invocationMiddleware, invocationOf } from './invocation';
import { header } from './request';
import { requestMetrics } from './request-metrics';
import { errorResponse, type HttpResult } from './responses';

/** A route's Lambda handler (HTTP API payload 2.0). */
export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResult>;

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
export function managementHandler(route: ManagementRoute, deps: PatRouteDependencies): HttpHandler {
  return httpChain(route.name, deps).handler(async (event) => {
    const invocation = invocationOf(event);
    const { trail } = invocation;
    const principal = await deps.authenticator.authenticate(header(event, 'authorization'));
    if (principal.subject !== undefined) trail.subject = principal.subject;

    const workspaceId = normaliseUuid(header(event, 'x-workspace-id'));
    if (workspaceId === undefined) throw new InvalidWorkspaceIdError();
    trail.workspaceId = workspaceId;

    const operation = route.prepare(event, { workspaceId, trail, deps });
    assertGranted(principal, workspaceId, deps.workspaceClaim);

    const outcome = await operation({ principal, workspaceId });
    if (outcome.audit !== undefined) invocation.audit = outcome.audit;
    return outcome.response;
  });
}

/**
 * A route behind the credential authorizer as a Lambda handler. API Gateway only invokes it once
 * the authorizer allowed the request; invoked any other way (directly, `sam local invoke` without
 * a context), it has no credential to act on and answers 401.
 */
export function credentialHandler(route: CredentialRoute, deps: HttpDependencies): HttpHandler {
  return httpChain(route.name, deps).handler(async (event) => {
    const credential = credentialOf(event, deps.clock.now());
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

/** A credential route's Lambda handler, built at init from the log level alone (see `managementLambda`). */
export const credentialLambda = (route: CredentialRoute) =>
  credentialHandler(route, httpDependencies(loadConfig(CONTEXT_ONLY_SETTINGS)));

/** Any route's handler over the dependencies of the management routes (a superset of every route's). */
export function handlerFor(route: Route, deps: PatRouteDependencies): HttpHandler {
  return route.kind === 'management' ? managementHandler(route, deps) : credentialHandler(route, deps);
}

import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EmfMetrics } from '../adapters/emf-metrics';
import type { Logger } from '../adapters/json-logger';
import { InvalidWorkspaceIdError } from '../domain/errors';
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

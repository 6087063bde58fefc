import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import type { EmfMetrics } from '../adapters/emf-metrics';
import type { Logger } from '../adapters/json-logger';
import { type AuthorizeDependencies, authorize, type CredentialContext } from '../domain/authorize';
import { ApiError } from '../domain/errors';

export interface AuthorizerDependencies extends AuthorizeDependencies {
  readonly logger: Logger;
  readonly metrics: EmfMetrics;
  /** The PAT scopes each route needs, by route key (`GET /api/v1/whoami`); a PAT may call no other route. */
  readonly routeScopes: Readonly<Record<string, readonly string[]>>;
}

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<
  CredentialContext | Record<string, never>
>;

/** What API Gateway gets when the authorizer cannot decide: an error, which it answers with 500. */
export class AuthorizerUnavailableError extends Error {
  override readonly name = 'AuthorizerUnavailableError';
}

/**
 * The credential authorizer (HTTP API, REQUEST, payload 2.0, simple responses): allow with the
 * credential's context, deny (403), or throw when a dependency fails (500), failing closed. One
 * log line and one EMF document per invocation, never a token, header or hash.
 */
export function createAuthorizerHandler(deps: AuthorizerDependencies) {
  let first = true;
  return async (event: APIGatewayRequestAuthorizerEventV2, context: Context): Promise<AuthorizerResult> => {
    const coldStart = first;
    first = false;
    const startedAt = deps.clock.now();
    deps.logger.setContext({
      cold_start: coldStart,
      function_name: context.functionName,
      function_memory_size: context.memoryLimitInMB,
      function_request_id: context.awsRequestId,
    });
    const line = { requestId: event.requestContext?.requestId, routeKey: event.routeKey };
    const publish = (outcome: 'allow' | 'deny' | 'error', tokenType: string | undefined) => {
      deps.metrics.dimension('Route', 'authorizer');
      deps.metrics.dimension('Outcome', outcome);
      deps.metrics.dimension('TokenType', tokenType ?? 'none');
      deps.metrics.add('Authorization', 1);
      if (coldStart) deps.metrics.add('ColdStart', 1);
      deps.metrics.flush();
    };
    try {
      const decision = await authorize(
        { authorization: authorizationOf(event), requiredScopes: deps.routeScopes[event.routeKey] },
        deps,
      );
      const latencyMs = deps.clock.now() - startedAt;
      if (decision.allow) {
        const { context: credential } = decision;
        deps.logger.info('authorization', {
          ...line,
          outcome: 'allow',
          tokenType: credential.tokenType,
          subject: credential.subject,
          ...(credential.tokenType === 'pat'
            ? { workspaceId: credential.workspaceId, patId: credential.patId }
            : {}),
          latencyMs,
        });
        publish('allow', credential.tokenType);
        return { isAuthorized: true, context: credential };
      }
      deps.logger.info('authorization', {
        ...line,
        outcome: 'deny',
        tokenType: decision.tokenType,
        reason: decision.reason,
        // Left out of the JSON line when undefined.
        detail: decision.detail,
        patId: decision.patId,
        latencyMs,
      });
      publish('deny', decision.tokenType);
      return { isAuthorized: false, context: {} };
    } catch (error) {
      deps.logger.error('authorization failed', {
        ...line,
        outcome: 'error',
        latencyMs: deps.clock.now() - startedAt,
        error: { name: (error as Error).name, message: (error as Error).message },
        ...(error instanceof ApiError ? error.logFields() : {}),
      });
      publish('error', undefined);
      // Neither allow nor deny: API Gateway answers 500, and the client may retry.
      throw new AuthorizerUnavailableError('The credential could not be checked.');
    }
  };
}

/**
 * The Authorization header as the first identity source carries it. Only the identity sources
 * decide, because they alone key API Gateway's result cache: a decision taken on anything else
 * would be served from the cache to requests that differ in it. A hand-written event without
 * them (a direct invocation) is refused like a request without the header.
 */
function authorizationOf(event: APIGatewayRequestAuthorizerEventV2): string | undefined {
  return event.identitySource?.[0];
}

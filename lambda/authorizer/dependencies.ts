import { createDocumentClient } from '../adapters/dynamodb-client';
import { jwtAuthenticatorFor } from '../adapters/jwt-authenticator';
import { DynamoDbPatCredentials } from '../adapters/pat-credentials';
import { loadConfig } from '../config';
import { AUTHORIZER_SETTINGS } from '../config/schema';
import type { ConfigOf } from '../config/setting';
import { httpDependencies } from '../http/http-dependencies';
import { type AuthorizerDependencies, createAuthorizerHandler } from './handler';

/** The credential authorizer's composition root (see `lambda/dependencies.ts`). */
export type AuthorizerConfig = ConfigOf<typeof AUTHORIZER_SETTINGS>;

/** Everything the credential authorizer needs: the JWT rules, the PAT table, last-used tracking. */
export function authorizerDependencies(
  config: AuthorizerConfig,
  overrides: Partial<AuthorizerDependencies> = {},
): AuthorizerDependencies {
  const base = httpDependencies(config, overrides);
  return {
    ...base,
    workspaceClaim: config.jwt.workspaceClaim,
    allowedScopes: config.patPolicy.scopes,
    lastUsedIntervalSeconds: config.authorizer.lastUsedIntervalSeconds,
    routeScopes: config.authorizer.routeScopes,
    authenticator: overrides.authenticator ?? jwtAuthenticatorFor(config, base.clock),
    credentials:
      overrides.credentials ??
      new DynamoDbPatCredentials({
        client: createDocumentClient(config.dynamoDb),
        tableName: config.table.name,
        onLatency: (ms) => base.metrics.add('DynamoDbLatency', ms),
      }),
    onLastUsedFailure:
      overrides.onLastUsedFailure ??
      ((error, pat) => {
        base.logger.warn('lastUsedAt not written', { ...pat, error: { name: (error as Error).name } });
        base.metrics.add('LastUsedWriteFailed', 1);
      }),
  };
}

/** The authorizer's Lambda handler, built at init like every route's. */
export const authorizerLambda = () =>
  createAuthorizerHandler(authorizerDependencies(loadConfig(AUTHORIZER_SETTINGS)));

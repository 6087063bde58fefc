import { randomBytes } from 'node:crypto';
import { createDocumentClient } from './adapters/dynamodb-client';
import type { EmfMetrics } from './adapters/emf-metrics';
import { JwtAuthenticator } from './adapters/jwt-authenticator';
import { DynamoDbPatRepository } from './adapters/pat-repository';
import type { AuthorizerDependencies } from './authorizer/handler';
import type { Config } from './config';
import type { Clock } from './domain/ports';
import { UuidV7Generator } from './domain/uuid';
import { httpDependencies } from './http/observability';
import type { PatRouteDependencies } from './http/routes/pat-routes';

/**
 * The composition root: builds the real adapters from the configuration, once per process.
 * Tests and the local API call it too (with their own `Config`), so they run the production code;
 * `overrides` exists for fault injection, log capture and a fixed clock only. What every HTTP
 * route needs (clock, metrics, logger) comes from `http/observability.ts`, which imports no AWS
 * SDK, so a route that needs nothing more (whoami) bundles none.
 */

/** Everything a PAT management route needs: a user-JWT authenticator, the repository, minting. */
export function patRouteDependencies(
  config: Config,
  overrides: Partial<PatRouteDependencies> = {},
): PatRouteDependencies {
  const base = httpDependencies(config, overrides);
  const random = overrides.random ?? ((size: number) => new Uint8Array(randomBytes(size)));
  return {
    ...base,
    workspaceClaim: config.workspaceClaim,
    policy: config.patPolicy,
    random,
    ids: overrides.ids ?? new UuidV7Generator(() => base.clock.now(), random),
    authenticator: overrides.authenticator ?? jwtAuthenticator(config, base.clock),
    repository: overrides.repository ?? patRepository(config, base.metrics),
  };
}

/** Everything the credential authorizer needs: the JWT rules, the PAT table, last-used tracking. */
export function authorizerDependencies(
  config: Config,
  overrides: Partial<AuthorizerDependencies> = {},
): AuthorizerDependencies {
  const base = httpDependencies(config, overrides);
  return {
    ...base,
    workspaceClaim: config.workspaceClaim,
    lastUsedIntervalSeconds: config.patLastUsedIntervalSeconds,
    routeScopes: config.routeScopes,
    authenticator: overrides.authenticator ?? jwtAuthenticator(config, base.clock),
    credentials: overrides.credentials ?? patRepository(config, base.metrics),
    onLastUsedFailure:
      overrides.onLastUsedFailure ??
      ((error, pat) => {
        base.logger.warn('lastUsedAt not written', { ...pat, error: { name: (error as Error).name } });
        base.metrics.add('LastUsedWriteFailed', 1);
      }),
  };
}

function jwtAuthenticator(config: Config, clock: Clock): JwtAuthenticator {
  return new JwtAuthenticator({
    issuer: config.jwtIssuer,
    audiences: config.jwtAudiences,
    jwksUri: config.jwksUri,
    leewaySeconds: config.jwtLeewaySeconds,
    jwksMaxAgeSeconds: config.jwksMaxAgeSeconds,
    fetchTimeoutMs: config.jwksFetchTimeoutMs,
    jwksFailureTtlSeconds: config.jwksFailureTtlSeconds,
    urlPolicy: config.urlPolicy,
    now: () => clock.now(),
  });
}

function patRepository(config: Config, metrics: EmfMetrics): DynamoDbPatRepository {
  return new DynamoDbPatRepository({
    client: createDocumentClient(config.dynamoDb),
    tableName: config.tableName,
    transactionAttempts: config.dynamoDb.maxAttempts,
    onLatency: (ms) => metrics.add('DynamoDbLatency', ms),
  });
}

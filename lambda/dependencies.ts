import { randomBytes } from 'node:crypto';
import { createDocumentClient } from './adapters/dynamodb-client';
import { EmfMetrics, PATS_METRICS } from './adapters/emf-metrics';
import { JsonLogger } from './adapters/json-logger';
import { JwtAuthenticator } from './adapters/jwt-authenticator';
import { DynamoDbPatRepository } from './adapters/pat-repository';
import type { Config } from './config';
import type { Clock } from './domain/ports';
import { UuidV7Generator } from './domain/uuid';
import type { HttpDependencies } from './http/pipeline';
import type { PatRouteDependencies } from './http/routes/pat-routes';

/**
 * The composition root: builds the real adapters from the configuration, once per process.
 * Tests and the local API call it too (with their own `Config`), so they run the production code;
 * `overrides` exists for fault injection, log capture and a fixed clock only.
 */
export function httpDependencies(
  config: Config,
  overrides: Partial<HttpDependencies> = {},
): HttpDependencies {
  return {
    clock: overrides.clock ?? systemClock,
    metrics:
      overrides.metrics ??
      new EmfMetrics({
        namespace: PATS_METRICS.namespace,
        defaultDimensions: { Service: PATS_METRICS.service },
        definitions: PATS_METRICS.definitions,
      }),
    logger: overrides.logger ?? new JsonLogger({ serviceName: 'pats-api', level: config.logLevel }),
  };
}

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
    authenticator:
      overrides.authenticator ??
      new JwtAuthenticator({
        issuer: config.jwtIssuer,
        audiences: config.jwtAudiences,
        jwksUri: config.jwksUri,
        leewaySeconds: config.jwtLeewaySeconds,
        jwksMaxAgeSeconds: config.jwksMaxAgeSeconds,
        fetchTimeoutMs: config.jwksFetchTimeoutMs,
        jwksFailureTtlSeconds: config.jwksFailureTtlSeconds,
        urlPolicy: config.urlPolicy,
        now: () => base.clock.now(),
      }),
    repository:
      overrides.repository ??
      new DynamoDbPatRepository({
        client: createDocumentClient(config.dynamoDb),
        tableName: config.tableName,
        transactionAttempts: config.dynamoDb.maxAttempts,
        onLatency: (ms) => base.metrics.add('DynamoDbLatency', ms),
      }),
  };
}

const systemClock: Clock = { now: () => Date.now() };

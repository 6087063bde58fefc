import { createDocumentClient } from './adapters/dynamodb-client';
import { EmfMetrics, PATS_METRICS } from './adapters/emf-metrics';
import { JsonLogger } from './adapters/json-logger';
import { JwtAuthenticator } from './adapters/jwt-authenticator';
import { DynamoDbPatRepository } from './adapters/pat-repository';
import type { Config } from './config';
import type { GetPatHandlerDependencies } from './http/get-pat-handler';

/**
 * The composition root: builds the real adapters from the configuration, once per process.
 * Tests and the local API call it too (with their own `Config`), so they run the production code;
 * `overrides` exists for fault injection and log capture only.
 */
export function createDependencies(
  config: Config,
  overrides: Partial<GetPatHandlerDependencies> = {},
): GetPatHandlerDependencies {
  const metrics =
    overrides.metrics ??
    new EmfMetrics({
      namespace: PATS_METRICS.namespace,
      defaultDimensions: { Service: PATS_METRICS.service },
      definitions: PATS_METRICS.definitions,
    });
  return {
    workspaceClaim: config.workspaceClaim,
    metrics,
    logger: overrides.logger ?? new JsonLogger({ serviceName: 'pats-api', level: config.logLevel }),
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
      }),
    repository:
      overrides.repository ??
      new DynamoDbPatRepository({
        client: createDocumentClient(config.dynamoDb),
        tableName: config.tableName,
        onLatency: (ms) => metrics.add('DynamoDbLatency', ms),
      }),
  };
}

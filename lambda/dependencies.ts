import { randomBytes } from 'node:crypto';
import { DynamoDbAuditRecords } from './adapters/audit-records';
import { createDocumentClient } from './adapters/dynamodb-client';
import { jwtAuthenticatorFor } from './adapters/jwt-authenticator';
import { DynamoDbPatRepository } from './adapters/pat-repository';
import { loadConfig } from './config';
import { MANAGEMENT_SETTINGS } from './config/schema';
import type { ConfigOf } from './config/setting';
import { UuidV7Generator } from './domain/uuid';
import { httpDependencies } from './http/http-dependencies';
import { managementHandler } from './http/pipeline';
import type { ManagementRoute, PatRouteDependencies } from './routes/management';

/**
 * The composition root of the management routes (the authorizer's is beside its handler): builds
 * the real adapters from the configuration, once per process. Handlers, the local API, the tests
 * and the benchmarks all call it, so they run the production wiring; `overrides` are for fault
 * injection, log capture and a fixed clock only.
 */
export type ManagementConfig = ConfigOf<typeof MANAGEMENT_SETTINGS>;

/** Everything a PAT management route needs: a user-JWT authenticator, the repository, minting. */
export function patRouteDependencies(
  config: ManagementConfig,
  overrides: Partial<PatRouteDependencies> = {},
): PatRouteDependencies {
  const base = httpDependencies(config, overrides);
  const random = overrides.random ?? ((size: number) => new Uint8Array(randomBytes(size)));
  // One client for both tables: one connection pool, one set of timeouts.
  const calls = {
    client: createDocumentClient(config.dynamoDb),
    transactionAttempts: config.dynamoDb.maxAttempts,
    onLatency: (ms: number) => base.metrics.add('DynamoDbLatency', ms),
  };
  return {
    ...base,
    workspaceClaim: config.jwt.workspaceClaim,
    policy: config.patPolicy,
    random,
    ids: overrides.ids ?? new UuidV7Generator(() => base.clock.now(), random),
    authenticator: overrides.authenticator ?? jwtAuthenticatorFor(config, base.clock),
    repository:
      overrides.repository ??
      new DynamoDbPatRepository({ ...calls, tableName: config.table.name, audit: config.audit }),
    auditRecords:
      overrides.auditRecords ?? new DynamoDbAuditRecords({ ...calls, tableName: config.audit.tableName }),
  };
}

/**
 * A management route's Lambda handler. Built at init: a bad configuration fails the cold start
 * with a message naming every bad variable, and every invocation shares the clients and key cache.
 */
export const managementLambda = (route: ManagementRoute) =>
  managementHandler(route, patRouteDependencies(loadConfig(MANAGEMENT_SETTINGS)));

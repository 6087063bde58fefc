import { randomBytes } from 'node:crypto';
import { createDocumentClient } from '../adapters/dynamodb-client';
import { PATS_METRICS } from '../adapters/emf-metrics';
import { DynamoDbExpiryStore } from '../adapters/expiry-store';
import { JsonLogger } from '../adapters/json-logger';
import { loadConfig } from '../config';
import { EXPIRY_JOB_SETTINGS } from '../config/schema';
import type { ConfigOf } from '../config/setting';
import type { ExpiryJobDependencies } from '../domain/expiry-job';
import { UuidV7Generator } from '../domain/uuid';
import { createExpiryJobHandler } from './handler';

/** The expiry job's composition root (see `lambda/dependencies.ts`). */
export type ExpiryJobConfig = ConfigOf<typeof EXPIRY_JOB_SETTINGS>;
type Dependencies = Parameters<typeof createExpiryJobHandler>[0];

export function expiryJobDependencies(
  config: ExpiryJobConfig,
  overrides: Partial<Dependencies> = {},
): Dependencies {
  const clock: ExpiryJobDependencies['clock'] = overrides.clock ?? { now: () => Date.now() };
  return {
    clock,
    ids:
      overrides.ids ??
      new UuidV7Generator(
        () => clock.now(),
        (size) => new Uint8Array(randomBytes(size)),
      ),
    expiredRetentionDays: config.expiry.expiredRetentionDays,
    store:
      overrides.store ??
      new DynamoDbExpiryStore({
        client: createDocumentClient(config.dynamoDb),
        tableName: config.table.name,
        audit: config.audit,
        transactionAttempts: config.dynamoDb.maxAttempts,
      }),
    logger:
      overrides.logger ?? new JsonLogger({ serviceName: PATS_METRICS.service, level: config.log.level }),
    ...(overrides.concurrency !== undefined ? { concurrency: overrides.concurrency } : {}),
  };
}

/** The expiry job's Lambda handler, built at init. */
export const expiryJobLambda = () =>
  createExpiryJobHandler(expiryJobDependencies(loadConfig(EXPIRY_JOB_SETTINGS)));

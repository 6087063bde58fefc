import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadConfig } from '../../lambda/config';
import { createDependencies } from '../../lambda/dependencies';
import { createGetPatHandler } from '../../lambda/http/get-pat-handler';
import type { HttpResult } from '../../lambda/http/responses';
import type { TestDynamo } from './dynalite';
import { lambdaContext } from './events';
import type { TestIssuer } from './issuer';

export type Invoke = (event: APIGatewayProxyEventV2) => Promise<HttpResult>;

/** The environment the deployed function gets, pointed at the test's own store and issuer. */
export function functionEnv(
  dynamo: Pick<TestDynamo, 'endpoint'>,
  issuer: Pick<TestIssuer, 'url' | 'audience'>,
  tableName: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TABLE_NAME: tableName,
    JWT_ISSUER: issuer.url,
    JWT_AUDIENCE: issuer.audience,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    ...extra,
  };
}

/**
 * The production handler, built by the production composition root from a configuration read
 * the production way, and invoked the way the Lambda runtime invokes it.
 */
export function buildHandler(env: Record<string, string>): Invoke {
  const handler = createGetPatHandler(createDependencies(loadConfig(env)));
  // The runtime passes a plain context; the audit middleware adds its trail to it.
  return (event) => handler(event, lambdaContext() as Parameters<typeof handler>[1]) as Promise<HttpResult>;
}

export const newTableName = () => `pats-${randomUUID()}`;

export function json(result: HttpResult): Record<string, unknown> {
  return JSON.parse(result.body) as Record<string, unknown>;
}

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadConfig } from '../../lambda/config';
import { createDependencies } from '../../lambda/dependencies';
import { createGetPatHandler } from '../../lambda/http/get-pat-handler';
import type { HttpResult } from '../../lambda/http/responses';
import { newTableName, TestDynamo } from './dynamodb';
import { lambdaContext } from './events';
import { TestIssuer } from './issuer';
import { schemaValidator } from './openapi';
import { patItem } from './pats';

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
 * the production way, and invoked the way the Lambda runtime invokes it. Every response it gives
 * is checked against the contract (see `assertConformsToContract`), whatever the test asserts.
 */
export function buildHandler(env: Record<string, string>): Invoke {
  const handler = createGetPatHandler(createDependencies(loadConfig(env)));
  return async (event) => {
    // The runtime passes a plain context; the audit middleware adds its trail to it.
    const result = (await handler(event, lambdaContext() as Parameters<typeof handler>[1])) as HttpResult;
    assertConformsToContract(result);
    return result;
  };
}

const validateEnvelope = schemaValidator('PatDetailDataEnvelope');
const validateError = schemaValidator('Error');

/**
 * What holds for every function response: JSON, no-store, a request id; a 200 body valid against
 * the OpenAPI schema and free of `tokenHash`; an error body valid against the error schema.
 */
export function assertConformsToContract(result: HttpResult): void {
  const problems: string[] = [];
  if (result.headers['content-type'] !== 'application/json')
    problems.push('content-type is not application/json');
  if (result.headers['cache-control'] !== 'no-store') problems.push('cache-control is not no-store');
  if (!result.headers['x-request-id']) problems.push('no x-request-id');
  if (result.headers['x-content-type-options'] !== 'nosniff')
    problems.push('x-content-type-options is not nosniff');
  const body: unknown = JSON.parse(result.body);
  if (result.statusCode === 200) {
    problems.push(...validateEnvelope(body));
    if (result.body.includes('tokenHash')) problems.push('the body mentions tokenHash');
  } else {
    problems.push(...validateError(body));
  }
  if (result.statusCode === 401 && !result.headers['www-authenticate'])
    problems.push('401 without WWW-Authenticate');
  if (result.statusCode === 503 && !/^\d+$/.test(result.headers['retry-after'] ?? '')) {
    problems.push('503 without a numeric Retry-After');
  }
  if (/\bat .+:\d+:\d+|arn:aws/.test(result.body)) problems.push('the body holds a stack trace or an ARN');
  if (problems.length > 0) {
    throw new Error(
      `Response ${result.statusCode} breaks the contract: ${problems.join('; ')}\n${result.body}`,
    );
  }
}

export { newTableName };

/** DynamoDB Local with a fresh PAT table holding one PAT of `workspaceId`, and a real issuer, both started. */
export async function startBackends(workspaceId: string) {
  const [dynamo, issuer] = await Promise.all([TestDynamo.start(), TestIssuer.start()]);
  const tableName = newTableName();
  await dynamo.createPatsTable(tableName);
  const { item } = patItem(workspaceId);
  await dynamo.put(tableName, item);
  return { dynamo, issuer, tableName, patId: item.id };
}

export function json(result: HttpResult): Record<string, unknown> {
  return JSON.parse(result.body) as Record<string, unknown>;
}

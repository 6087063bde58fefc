import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DynamoDbConfig } from '../config';

/**
 * Builds the document client once per process. The settings are sized for API Gateway's 30 s
 * integration limit and the function's timeout (see `dynamoDbTimeBudgetMs`):
 * - explicit attempts, so a throttled or hung table turns into a 503 quickly instead of eating
 *   the whole invocation;
 * - connection and request timeouts that really throw (`throwOnRequestTimeout`; without it the
 *   SDK only logs a warning and waits on);
 * - keep-alive agents, so warm invocations reuse one TLS connection.
 */
export function createDocumentClient(config: DynamoDbConfig): DynamoDBDocumentClient {
  const agentOptions = { keepAlive: true, maxSockets: 50 };
  const client = new DynamoDBClient({
    ...(config.region !== undefined ? { region: config.region } : {}),
    ...(config.endpoint !== undefined ? localEndpointSettings(config) : {}),
    maxAttempts: config.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: config.connectTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/**
 * A local DynamoDB-compatible server accepts any credentials, and `sam local invoke` or a laptop
 * may have none: supply placeholders there rather than walk the whole credential chain.
 */
function localEndpointSettings(config: DynamoDbConfig) {
  return {
    endpoint: config.endpoint,
    region: config.region ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

const UNAVAILABLE_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const UNAVAILABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * True when an error the SDK gave up on means "DynamoDB is throttling, slow or unreachable"
 * (a 503 the client may retry), as opposed to a bug or a misconfiguration (a 500).
 */
export function isDynamoDbUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $metadata } = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  if (UNAVAILABLE_ERROR_NAMES.has(error.name)) return true;
  if (code !== undefined && UNAVAILABLE_NETWORK_CODES.has(code)) return true;
  const status = $metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

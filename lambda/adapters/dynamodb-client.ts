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

const NETWORK_CODE_IN_TEXT = new RegExp(`\\b(${[...UNAVAILABLE_NETWORK_CODES].join('|')})\\b`);

/**
 * True when an error the SDK gave up on means "DynamoDB is throttling, slow or unreachable"
 * (a 503 the client may retry), as opposed to a bug or a misconfiguration (a 500).
 */
export function isDynamoDbUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message, $metadata } = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (typeof name === 'string' && UNAVAILABLE_ERROR_NAMES.has(name)) return true;
  if (typeof code === 'string' && UNAVAILABLE_NETWORK_CODES.has(code)) return true;
  // When a socket error crosses a realm boundary (a VM context, as under Jest) the SDK re-wraps
  // it and keeps only its text, so the code is looked for there too.
  if (typeof message === 'string' && NETWORK_CODE_IN_TEXT.test(message)) return true;
  const status = $metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

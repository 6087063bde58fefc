import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DynamoDbSettings } from '../config';
import { ServiceUnavailableError } from '../domain/errors';

/**
 * Builds the document client once per process. The settings are sized for API Gateway's 30 s
 * integration limit and the function's timeout (see `dynamoDbTimeBudgetMs`):
 * - explicit attempts, so a throttled or hung table turns into a 503 quickly instead of eating
 *   the whole invocation;
 * - connection and request timeouts that really throw (`throwOnRequestTimeout`; without it the
 *   SDK only logs a warning and waits on);
 * - keep-alive agents, so warm invocations reuse one TLS connection.
 */
export function createDocumentClient(config: DynamoDbSettings): DynamoDBDocumentClient {
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
function localEndpointSettings(config: DynamoDbSettings) {
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

/**
 * The worst-case time one DynamoDB call may take before the service gives up with a 503: every
 * attempt may spend its connection and request timeouts, and the SDK's standard retry strategy
 * waits at most 1 s x 2^retry between attempts (its throttling base; other errors wait less).
 */
export function dynamoDbTimeBudgetMs(dynamoDb: DynamoDbSettings): number {
  const perAttempt = dynamoDb.connectTimeoutMs + dynamoDb.requestTimeoutMs;
  const backoff = Array.from({ length: dynamoDb.maxAttempts - 1 }, (_, retry) => 1000 * 2 ** retry).reduce(
    (sum, delay) => sum + Math.min(delay, 20_000),
    0,
  );
  return dynamoDb.maxAttempts * perAttempt + backoff;
}

export interface DynamoDbCallsProps {
  readonly client: DynamoDBDocumentClient;
  /**
   * Seconds a client is told to wait (`Retry-After`) when DynamoDB stays unavailable after retries.
   * @default 1
   */
  readonly retryAfterSeconds?: number;
  /**
   * Attempts of a transaction that DynamoDB cancels because another one touched the same items
   * (`TransactionConflict`, which the SDK does not retry), before answering 503.
   * @default 3
   */
  readonly transactionAttempts?: number;
  /** Told how long each call took, retries included, failed calls too (the latency metric). */
  readonly onLatency?: (milliseconds: number) => void;
  /** @default a random wait of up to 20 ms × 2^attempt */
  readonly backoff?: (attempt: number) => Promise<void>;
}

/** The reasons DynamoDB gives, in request order, when it cancels a transaction. */
export type CancellationReasons = ReadonlyArray<{ readonly Code?: string }>;
export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** How the repositories call DynamoDB: timed, and "unavailable" turned into a 503. */
export class DynamoDbCalls {
  readonly client: DynamoDBDocumentClient;
  readonly retryAfterSeconds: number;
  readonly transactionAttempts: number;
  readonly backoff: (attempt: number) => Promise<void>;
  private readonly onLatency: (milliseconds: number) => void;

  constructor(props: DynamoDbCallsProps) {
    this.client = props.client;
    this.retryAfterSeconds = props.retryAfterSeconds ?? 1;
    this.transactionAttempts = props.transactionAttempts ?? 3;
    this.onLatency = props.onLatency ?? (() => undefined);
    this.backoff = props.backoff ?? jitteredBackoff;
  }

  /** Times a call and turns "DynamoDB is throttling, slow or unreachable" into a 503. */
  async send<T>(send: (client: DynamoDBDocumentClient) => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      return await send(this.client);
    } catch (error) {
      if (isDynamoDbUnavailable(error)) {
        throw new ServiceUnavailableError('dynamodb', this.retryAfterSeconds, { cause: error });
      }
      throw error;
    } finally {
      this.onLatency(performance.now() - startedAt);
    }
  }
}

/**
 * Runs a transaction through `calls`; `undefined` when it committed, or the reasons DynamoDB gave
 * for cancelling it when a condition failed. The SDK's own retries reuse the `ClientRequestToken`,
 * so a retry after a lost response is applied once; a conflict with another transaction is tried
 * again here with a new token (with the same one it could be taken for a duplicate).
 */
export async function transact(
  calls: DynamoDbCalls,
  items: TransactItems,
): Promise<CancellationReasons | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await calls.send((client) =>
        client.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() })),
      );
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons === undefined) throw error;
      if (!reasons.some((reason) => reason.Code === 'TransactionConflict')) return reasons;
      if (attempt >= calls.transactionAttempts) {
        throw new ServiceUnavailableError('dynamodb', calls.retryAfterSeconds, { cause: error });
      }
      await calls.backoff(attempt);
    }
  }
}

function cancellationReasons(error: unknown): CancellationReasons | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, CancellationReasons: reasons } = error as { name?: unknown; CancellationReasons?: unknown };
  if (name !== 'TransactionCanceledException' || !Array.isArray(reasons)) return undefined;
  return reasons as CancellationReasons;
}

// Stryker disable all: timing only; no result depends on how long a retry waits.
/** Full jitter, doubling from 20 ms: two conflicting writers rarely collide again. */
const jitteredBackoff = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
// Stryker restore all

export const cancellationCodes = (reasons: CancellationReasons) =>
  reasons.map((reason) => reason.Code ?? 'None').join(', ');

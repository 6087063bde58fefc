import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { CorruptPatItemError, ServiceUnavailableError } from '../domain/errors';
import type { NewPatItem, PatRecord } from '../domain/pat';
import type { PatCredential, PatCredentials, PatPage, PatRepository } from '../domain/ports';
import { isDynamoDbUnavailable } from './dynamodb-client';
import {
  CREDENTIAL_PROJECTION,
  PAT_ID_RANGE,
  READABLE_PAT_PROJECTION,
  WORKSPACE_COUNTER,
} from './pats-table-schema';

export interface DynamoDbPatRepositoryProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /**
   * Seconds a client is told to wait (`Retry-After`) when DynamoDB stays unavailable after retries.
   * @default 1
   */
  readonly retryAfterSeconds?: number;
  /**
   * Attempts of a transaction that DynamoDB cancels because another one touched the same items at
   * the same time (`TransactionConflict`, which the SDK does not retry), before answering 503.
   * @default 3
   */
  readonly transactionAttempts?: number;
  /** Told how long each DynamoDB call took, retries included, failed calls too (for the latency metric). */
  readonly onLatency?: (milliseconds: number) => void;
  /** @default a random wait of up to 20 ms × 2^attempt */
  readonly backoff?: (attempt: number) => Promise<void>;
}

/** The reasons DynamoDB gives, in request order, when it cancels a transaction. */
type CancellationReasons = ReadonlyArray<{ readonly Code?: string }>;

/**
 * Every DynamoDB call of the service. Reads are strongly consistent and never fetch `tokenHash`;
 * every write is one transaction, which the SDK may retry safely after a lost response: each
 * transaction carries a `ClientRequestToken`, so DynamoDB applies it once however often it is sent.
 */
export class DynamoDbPatRepository implements PatRepository, PatCredentials {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retryAfterSeconds: number;
  private readonly transactionAttempts: number;
  private readonly onLatency: (milliseconds: number) => void;
  private readonly backoff: (attempt: number) => Promise<void>;

  constructor(props: DynamoDbPatRepositoryProps) {
    this.client = props.client;
    this.tableName = props.tableName;
    this.retryAfterSeconds = props.retryAfterSeconds ?? 1;
    this.transactionAttempts = props.transactionAttempts ?? 3;
    this.onLatency = props.onLatency ?? (() => undefined);
    this.backoff = props.backoff ?? jitteredBackoff;
  }

  async findById(workspaceId: string, id: string): Promise<PatRecord | undefined> {
    const item = await this.getItem(workspaceId, id, READABLE_PAT_PROJECTION);
    return item === undefined ? undefined : toPatRecord(item, { workspaceId, id });
  }

  async list(
    workspaceId: string,
    options: { limit: number; afterId?: string | undefined },
  ): Promise<PatPage> {
    // One more than asked: if it comes back, more follow, so a next cursor never leads to an empty page.
    const output = await this.call(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          // Only ids in the UUID range: the workspace's counter item is not a PAT.
          KeyConditionExpression: '#workspace = :workspace AND #id BETWEEN :lowest AND :highest',
          ExpressionAttributeNames: {
            '#workspace': 'workspaceId',
            '#id': 'id',
            ...READABLE_PAT_PROJECTION.ExpressionAttributeNames,
          },
          ExpressionAttributeValues: {
            ':workspace': workspaceId,
            ':lowest': PAT_ID_RANGE.lowest,
            ':highest': PAT_ID_RANGE.highest,
          },
          ProjectionExpression: READABLE_PAT_PROJECTION.ProjectionExpression,
          ScanIndexForward: false,
          ConsistentRead: true,
          Limit: options.limit + 1,
          ...(options.afterId !== undefined
            ? { ExclusiveStartKey: { workspaceId, id: options.afterId } }
            : {}),
        }),
      ),
    );
    const items = output.Items ?? [];
    return {
      records: items
        .slice(0, options.limit)
        .map((item) => toPatRecord(item, { workspaceId, id: String(item.id) })),
      hasMore: items.length > options.limit,
    };
  }

  async create(item: NewPatItem, maxPerWorkspace: number): Promise<'created' | 'limit_exceeded'> {
    const reasons = await this.transact([
      { Update: this.countUp(item.workspaceId, maxPerWorkspace) },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...item },
          ConditionExpression: 'attribute_not_exists(id)',
        },
      },
    ]);
    if (reasons === undefined) return 'created';
    if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'limit_exceeded';
    throw new Error(`create cancelled: ${codes(reasons)}`);
  }

  async delete(workspaceId: string, id: string): Promise<PatRecord | undefined> {
    // Read first: the audit line names the revoked PAT's prefix and expiry, which a transaction
    // cannot return. If it goes away meanwhile, the delete's condition fails: still a 404.
    const record = await this.findById(workspaceId, id);
    if (record === undefined) return undefined;
    const deletePat = {
      Delete: {
        TableName: this.tableName,
        Key: { workspaceId, id },
        ConditionExpression: 'attribute_exists(id)',
      },
    };
    const reasons = await this.transact([deletePat, { Update: this.countDown(workspaceId) }]);
    if (reasons === undefined) return record;
    if (reasons[0]?.Code === 'ConditionalCheckFailed') return undefined;
    if (reasons[1]?.Code === 'ConditionalCheckFailed') {
      // The counter has nothing to take back: the PAT was stored before the counter existed
      // (e.g. by the CLI of an earlier version). Delete it alone.
      const alone = await this.transact([deletePat]);
      return alone === undefined ? record : undefined;
    }
    throw new Error(`delete cancelled: ${codes(reasons)}`);
  }

  async replace(old: PatRecord, replacement: NewPatItem): Promise<'replaced' | 'not_found'> {
    const reasons = await this.transact([
      {
        Put: {
          TableName: this.tableName,
          Item: { ...replacement },
          ConditionExpression: 'attribute_not_exists(id)',
        },
      },
      {
        Delete: {
          TableName: this.tableName,
          Key: { workspaceId: old.workspaceId, id: old.id },
          ConditionExpression: 'attribute_exists(id)',
        },
      },
    ]);
    if (reasons === undefined) return 'replaced';
    if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'not_found';
    throw new Error(`rotate cancelled: ${codes(reasons)}`);
  }

  async findCredential(workspaceId: string, id: string): Promise<PatCredential | undefined> {
    const item = await this.getItem(workspaceId, id, CREDENTIAL_PROJECTION);
    if (item === undefined) return undefined;
    const record = toPatRecord(item, { workspaceId, id });
    const tokenHash = item.tokenHash;
    if (typeof tokenHash !== 'string' || tokenHash === '') {
      throw new CorruptPatItemError({ workspaceId, id }, ['tokenHash is missing']);
    }
    return {
      workspaceId,
      id,
      name: record.name,
      scopes: record.scopes,
      tokenHash,
      expiresAt: record.expiresAt,
      lastUsedAt: record.lastUsedAt,
      createdBy: record.createdBy,
    };
  }

  async touchLastUsed(workspaceId: string, id: string, now: string, notBefore: string): Promise<boolean> {
    try {
      await this.call(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { workspaceId, id },
            UpdateExpression: 'SET #lastUsedAt = :now',
            // Only once per interval across every instance; never re-creates a PAT revoked meanwhile.
            ConditionExpression:
              'attribute_exists(#id) AND (attribute_not_exists(#lastUsedAt) OR #lastUsedAt < :notBefore)',
            ExpressionAttributeNames: { '#id': 'id', '#lastUsedAt': 'lastUsedAt' },
            ExpressionAttributeValues: { ':now': now, ':notBefore': notBefore },
          }),
        ),
      );
      return true;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /**
   * One item by its key, strongly consistent (a PAT is readable right after it is created, and a
   * revoked one stops working at once), with only the attributes of `projection`.
   */
  private async getItem(
    workspaceId: string,
    id: string,
    projection: typeof READABLE_PAT_PROJECTION | typeof CREDENTIAL_PROJECTION,
  ): Promise<Record<string, unknown> | undefined> {
    const output = await this.call(() =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { workspaceId, id },
          ConsistentRead: true,
          ...projection,
        }),
      ),
    );
    return output.Item;
  }

  /** One more PAT in the workspace, on condition it has fewer than `max`. */
  private countUp(workspaceId: string, max: number) {
    return {
      TableName: this.tableName,
      Key: { workspaceId, id: WORKSPACE_COUNTER.id },
      UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one',
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
      ExpressionAttributeNames: { '#count': WORKSPACE_COUNTER.countAttribute },
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': max },
    };
  }

  /** One PAT fewer, on condition the counter has one to take back. */
  private countDown(workspaceId: string) {
    return {
      TableName: this.tableName,
      Key: { workspaceId, id: WORKSPACE_COUNTER.id },
      UpdateExpression: 'SET #count = #count - :one',
      ConditionExpression: '#count > :zero',
      ExpressionAttributeNames: { '#count': WORKSPACE_COUNTER.countAttribute },
      ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
    };
  }

  /**
   * Runs a transaction; `undefined` when it committed, or the reasons DynamoDB gave for cancelling
   * it when a condition failed. Conflicts with a concurrent transaction are tried again (with the
   * same `ClientRequestToken` they could be mistaken for a duplicate, so each attempt has its own).
   */
  private async transact(
    items: NonNullable<TransactWriteCommandInput['TransactItems']>,
  ): Promise<CancellationReasons | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.call(() =>
          this.client.send(
            new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() }),
          ),
        );
        return undefined;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons === undefined) throw error;
        const conflict = reasons.some((reason) => reason.Code === 'TransactionConflict');
        if (!conflict) return reasons;
        if (attempt >= this.transactionAttempts) {
          throw new ServiceUnavailableError('dynamodb', this.retryAfterSeconds, { cause: error });
        }
        await this.backoff(attempt);
      }
    }
  }

  /** Times a call and turns "DynamoDB is throttling, slow or unreachable" into a 503. */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      return await send();
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

const codes = (reasons: CancellationReasons) => reasons.map((reason) => reason.Code ?? 'None').join(', ');

/** Checks a stored item against the contract's schema; a broken item is a 500, logged with its key. */
export function toPatRecord(
  item: Record<string, unknown>,
  key: { workspaceId: string; id: string },
): PatRecord {
  const problems: string[] = [];
  const text = (name: string, required: boolean): string | undefined => {
    const value = item[name];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '') {
      problems.push(value === undefined ? `${name} is missing` : `${name} is not a non-empty string`);
      return undefined;
    }
    return value;
  };
  const name = text('name', true);
  const tokenPrefix = text('tokenPrefix', true);
  const createdAt = text('createdAt', true);
  const expiresAt = text('expiresAt', false);
  const lastUsedAt = text('lastUsedAt', false);
  const createdBy = text('createdBy', false);
  const scopes = item.scopes;
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
    problems.push(scopes === undefined ? 'scopes is missing' : 'scopes is not a list of strings');
  }
  if (problems.length > 0) throw new CorruptPatItemError(key, problems);
  // No problem, so the required attributes are strings.
  return {
    workspaceId: key.workspaceId,
    id: key.id,
    name: name as string,
    scopes: scopes as string[],
    tokenPrefix: tokenPrefix as string,
    createdAt: createdAt as string,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(lastUsedAt !== undefined ? { lastUsedAt } : {}),
    ...(createdBy !== undefined ? { createdBy } : {}),
  };
}

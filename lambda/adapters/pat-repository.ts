import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { CorruptPatItemError, ServiceUnavailableError } from '../domain/errors';
import type { PatRecord } from '../domain/pat';
import type { PatRepository } from '../domain/ports';
import { isDynamoDbUnavailable } from './dynamodb-client';
import { READABLE_PAT_PROJECTION } from './pats-table-schema';

export interface DynamoDbPatRepositoryProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /**
   * Seconds a client is told to wait (`Retry-After`) when DynamoDB stays unavailable after retries.
   * @default 1
   */
  readonly retryAfterSeconds?: number;
  /** Told how long each read took, retries included, failed reads too (for the latency metric). */
  readonly onLatency?: (milliseconds: number) => void;
}

/** Reads PAT metadata with one strongly consistent `GetItem` that never reads `tokenHash`. */
export class DynamoDbPatRepository implements PatRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retryAfterSeconds: number;
  private readonly onLatency: (milliseconds: number) => void;

  constructor(props: DynamoDbPatRepositoryProps) {
    this.client = props.client;
    this.tableName = props.tableName;
    this.retryAfterSeconds = props.retryAfterSeconds ?? 1;
    this.onLatency = props.onLatency ?? (() => undefined);
  }

  async findById(workspaceId: string, id: string): Promise<PatRecord | undefined> {
    let item: Record<string, unknown> | undefined;
    const startedAt = performance.now();
    try {
      const output = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { workspaceId, id },
          // Strong consistency: a PAT must be readable right after it is created.
          ConsistentRead: true,
          ...READABLE_PAT_PROJECTION,
        }),
      );
      item = output.Item;
    } catch (error) {
      if (isDynamoDbUnavailable(error)) {
        throw new ServiceUnavailableError('dynamodb', this.retryAfterSeconds, { cause: error });
      }
      throw error;
    } finally {
      this.onLatency(performance.now() - startedAt);
    }
    return item === undefined ? undefined : toPatRecord(item, { workspaceId, id });
  }
}

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
  const scopes = item.scopes;
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
    problems.push(scopes === undefined ? 'scopes is missing' : 'scopes is not a list of strings');
  }
  if (problems.length > 0 || name === undefined || tokenPrefix === undefined || createdAt === undefined) {
    throw new CorruptPatItemError(key, problems);
  }
  return {
    workspaceId: key.workspaceId,
    id: key.id,
    name,
    scopes: scopes as string[],
    tokenPrefix,
    createdAt,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(lastUsedAt !== undefined ? { lastUsedAt } : {}),
  };
}

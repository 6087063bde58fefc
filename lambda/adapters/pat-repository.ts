import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../domain/errors';
import type { NewPatItem, PatRecord } from '../domain/pat';
import type { PatPage, PatRepository } from '../domain/ports';
import { cancellationCodes, DynamoDbCalls, type DynamoDbCallsProps, transact } from './dynamodb-client';
import {
  countDown,
  countUp,
  deleteExistingPat,
  deleteExpiredPat,
  getPat,
  listExpiredPats,
  listPats,
  putNewPat,
} from './pat-commands';
import { READABLE_PAT_PROJECTION, toPatRecord } from './pats-table-schema';
import { WorkspaceCounter } from './workspace-counter';

export interface DynamoDbPatRepositoryProps extends DynamoDbCallsProps {
  readonly tableName: string;
}

/**
 * Tries of a write whose count condition failed though the exact count allowed it: each such
 * failure means another write changed the count meanwhile, so it ends long before this.
 */
const ATTEMPTS = 10;
const CONDITION_FAILED = 'ConditionalCheckFailed';

/**
 * The management routes' view of the PAT table. Reads are strongly consistent and never fetch
 * `tokenHash`; every write is one transaction, with the workspace's counter when the number of
 * PATs changes, so the limit holds exactly under concurrency.
 */
export class DynamoDbPatRepository implements PatRepository {
  private readonly calls: DynamoDbCalls;
  private readonly tableName: string;
  private readonly counter: WorkspaceCounter;

  constructor(props: DynamoDbPatRepositoryProps) {
    this.calls = new DynamoDbCalls(props);
    this.tableName = props.tableName;
    this.counter = new WorkspaceCounter(this.calls, props.tableName);
  }

  async findById(workspaceId: string, id: string): Promise<PatRecord | undefined> {
    const key = { workspaceId, id };
    const { Item: item } = await this.calls.send((client) =>
      client.send(new GetCommand(getPat(this.tableName, key, READABLE_PAT_PROJECTION))),
    );
    return item === undefined ? undefined : toPatRecord(item, key);
  }

  async list(
    workspaceId: string,
    options: { limit: number; afterId?: string | undefined },
  ): Promise<PatPage> {
    const { Items: items = [] } = await this.calls.send((client) =>
      client.send(new QueryCommand(listPats(this.tableName, workspaceId, options.limit, options.afterId))),
    );
    return {
      records: items
        .slice(0, options.limit)
        .map((item) => toPatRecord(item, { workspaceId, id: String(item.id) })),
      hasMore: items.length > options.limit,
    };
  }

  async create(item: NewPatItem, maxPerWorkspace: number): Promise<'created' | 'limit_exceeded'> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const reasons = await transact(this.calls, [
        { Update: countUp(this.tableName, item.workspaceId, maxPerWorkspace) },
        { Put: putNewPat(this.tableName, item) },
      ]);
      if (reasons === undefined) return 'created';
      if (reasons[0]?.Code !== CONDITION_FAILED)
        throw new Error(`create cancelled: ${cancellationCodes(reasons)}`);
      // The workspace is full, or its count was not exact (now it is), or it changed meanwhile.
      if ((await this.counter.exactCount(item.workspaceId)) >= maxPerWorkspace) return 'limit_exceeded';
    }
    throw new ServiceUnavailableError('dynamodb', this.calls.retryAfterSeconds);
  }

  async delete(workspaceId: string, id: string): Promise<PatRecord | undefined> {
    // Read first: the audit line names the revoked PAT's prefix and expiry, which a transaction
    // cannot return. If it goes away meanwhile, the delete's condition fails: still a 404.
    const record = await this.findById(workspaceId, id);
    if (record === undefined) return undefined;
    const removed = await this.deleteCounted(record, deleteExistingPat(this.tableName, record));
    return removed ? record : undefined;
  }

  async replace(old: PatRecord, replacement: NewPatItem): Promise<'replaced' | 'not_found'> {
    const reasons = await transact(this.calls, [
      { Put: putNewPat(this.tableName, replacement) },
      { Delete: deleteExistingPat(this.tableName, old) },
    ]);
    if (reasons === undefined) return 'replaced';
    if (reasons[1]?.Code === CONDITION_FAILED) return 'not_found';
    throw new Error(`rotate cancelled: ${cancellationCodes(reasons)}`);
  }

  async removeExpired(workspaceId: string, now: string): Promise<PatRecord[]> {
    const removed: PatRecord[] = [];
    let startId: string | undefined;
    do {
      const page = await this.calls.send((client) =>
        client.send(new QueryCommand(listExpiredPats(this.tableName, workspaceId, now, startId))),
      );
      for (const item of page.Items ?? []) {
        const record = toPatRecord(item, { workspaceId, id: String(item.id) });
        // Still expired as read: an expiry changed meanwhile (a restore, a fix) keeps the PAT.
        const condition = deleteExpiredPat(this.tableName, record, String(record.expiresAt));
        if (await this.deleteCounted(record, condition)) removed.push(record);
      }
      startId = page.LastEvaluatedKey?.id as string | undefined;
    } while (startId !== undefined);
    return removed;
  }

  /** A PAT deleted with its slot freed, in one transaction; `false` when its condition failed. */
  private async deleteCounted(
    record: PatRecord,
    deletePat: ReturnType<typeof deleteExistingPat> | ReturnType<typeof deleteExpiredPat>,
  ): Promise<boolean> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const reasons = await transact(this.calls, [
        { Delete: deletePat },
        { Update: countDown(this.tableName, record.workspaceId) },
      ]);
      if (reasons === undefined) return true;
      if (reasons[0]?.Code === CONDITION_FAILED) return false;
      if (reasons[1]?.Code !== CONDITION_FAILED)
        throw new Error(`delete cancelled: ${cancellationCodes(reasons)}`);
      // The PAT exists, so an exact count has one to take back: it was not exact; now it is.
      await this.counter.exactCount(record.workspaceId);
    }
    throw new Error('delete cancelled: the workspace count has no PAT to take back');
  }
}

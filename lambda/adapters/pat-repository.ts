import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { NewPatItem, PatRecord } from '../domain/pat';
import type { PatPage, PatRepository } from '../domain/ports';
import { cancellationCodes, DynamoDbCalls, type DynamoDbCallsProps, transact } from './dynamodb-client';
import { countDown, countUp, deleteExistingPat, getPat, listPats, putNewPat } from './pat-commands';
import { READABLE_PAT_PROJECTION, toPatRecord } from './pats-table-schema';

export interface DynamoDbPatRepositoryProps extends DynamoDbCallsProps {
  readonly tableName: string;
}

/**
 * The management routes' view of the PAT table. Reads are strongly consistent and never fetch
 * `tokenHash`; every write is one transaction, with the workspace's counter when the number of
 * PATs changes, so the limit holds exactly under concurrency.
 */
export class DynamoDbPatRepository implements PatRepository {
  private readonly calls: DynamoDbCalls;
  private readonly tableName: string;

  constructor(props: DynamoDbPatRepositoryProps) {
    this.calls = new DynamoDbCalls(props);
    this.tableName = props.tableName;
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
    const reasons = await transact(this.calls, [
      { Update: countUp(this.tableName, item.workspaceId, maxPerWorkspace) },
      { Put: putNewPat(this.tableName, item) },
    ]);
    if (reasons === undefined) return 'created';
    if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'limit_exceeded';
    throw new Error(`create cancelled: ${cancellationCodes(reasons)}`);
  }

  async delete(workspaceId: string, id: string): Promise<PatRecord | undefined> {
    // Read first: the audit line names the revoked PAT's prefix and expiry, which a transaction
    // cannot return. If it goes away meanwhile, the delete's condition fails: still a 404.
    const record = await this.findById(workspaceId, id);
    if (record === undefined) return undefined;
    const deletePat = { Delete: deleteExistingPat(this.tableName, { workspaceId, id }) };
    const reasons = await transact(this.calls, [
      deletePat,
      { Update: countDown(this.tableName, workspaceId) },
    ]);
    if (reasons === undefined) return record;
    if (reasons[0]?.Code === 'ConditionalCheckFailed') return undefined;
    if (reasons[1]?.Code === 'ConditionalCheckFailed') {
      // The counter has nothing to take back: the PAT was stored before the counter existed
      // (e.g. by the CLI of an earlier version). Delete it alone.
      const alone = await transact(this.calls, [deletePat]);
      return alone === undefined ? record : undefined;
    }
    throw new Error(`delete cancelled: ${cancellationCodes(reasons)}`);
  }

  async replace(old: PatRecord, replacement: NewPatItem): Promise<'replaced' | 'not_found'> {
    const reasons = await transact(this.calls, [
      { Put: putNewPat(this.tableName, replacement) },
      { Delete: deleteExistingPat(this.tableName, old) },
    ]);
    if (reasons === undefined) return 'replaced';
    if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'not_found';
    throw new Error(`rotate cancelled: ${cancellationCodes(reasons)}`);
  }
}

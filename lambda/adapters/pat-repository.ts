import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit';
import { ServiceUnavailableError } from '../domain/errors';
import type { ExpiringPat, Removal } from '../domain/expiry';
import type { NewPatItem, PatRecord } from '../domain/pat';
import type { PatPage, PatRepository } from '../domain/ports';
import { putAuditRecord } from './audit-commands';
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
import { READABLE_PAT_PROJECTION, toExpiringPat, toPatRecord } from './pats-table-schema';
import { WorkspaceCounter } from './workspace-counter';

export interface DynamoDbPatRepositoryProps extends DynamoDbCallsProps {
  readonly tableName: string;
  /** Where each write's audit records go, in the write's own transaction. */
  readonly audit: { readonly tableName: string; readonly retentionDays: number };
}

/**
 * Tries of a write whose count condition failed though the exact count allowed it: each such
 * failure means another write changed the count meanwhile, so it ends long before this.
 */
const ATTEMPTS = 10;
const CONDITION_FAILED = 'ConditionalCheckFailed';

/**
 * The management routes' view of the PAT table. Reads are strongly consistent and never fetch
 * `tokenHash`; every write is one transaction with its audit records, and with the workspace's
 * counter when the number of PATs changes, so the limit holds exactly under concurrency.
 */
export class DynamoDbPatRepository implements PatRepository {
  /** Shared with the expiry store, which removes PATs as this repository does. */
  readonly calls: DynamoDbCalls;
  private readonly tableName: string;
  private readonly audit: DynamoDbPatRepositoryProps['audit'];
  private readonly counter: WorkspaceCounter;

  constructor(props: DynamoDbPatRepositoryProps) {
    this.calls = new DynamoDbCalls(props);
    this.tableName = props.tableName;
    this.audit = props.audit;
    this.counter = new WorkspaceCounter(this.calls, props.tableName);
  }

  private putRecord(record: AuditRecord) {
    return { Put: putAuditRecord(this.audit.tableName, record, this.audit.retentionDays) };
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

  async create(
    item: NewPatItem,
    maxPerWorkspace: number,
    record: AuditRecord,
  ): Promise<'created' | 'limit_exceeded'> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const reasons = await transact(this.calls, [
        { Update: countUp(this.tableName, item.workspaceId, maxPerWorkspace) },
        { Put: putNewPat(this.tableName, item) },
        this.putRecord(record),
      ]);
      if (reasons === undefined) return 'created';
      if (reasons[0]?.Code !== CONDITION_FAILED)
        throw new Error(`create cancelled: ${cancellationCodes(reasons)}`);
      // The workspace is full, or its count was not exact (now it is), or it changed meanwhile.
      if ((await this.counter.exactCount(item.workspaceId)) >= maxPerWorkspace) return 'limit_exceeded';
    }
    throw new ServiceUnavailableError('dynamodb', this.calls.retryAfterSeconds);
  }

  delete(pat: PatRecord, record: AuditRecord): Promise<boolean> {
    return this.deleteCounted(pat, deleteExistingPat(this.tableName, pat), [record]);
  }

  async replace(
    old: PatRecord,
    replacement: NewPatItem,
    record: AuditRecord,
  ): Promise<'replaced' | 'not_found'> {
    const reasons = await transact(this.calls, [
      { Put: putNewPat(this.tableName, replacement) },
      { Delete: deleteExistingPat(this.tableName, old) },
      this.putRecord(record),
    ]);
    if (reasons === undefined) return 'replaced';
    if (reasons[1]?.Code === CONDITION_FAILED) return 'not_found';
    throw new Error(`rotate cancelled: ${cancellationCodes(reasons)}`);
  }

  async expired(workspaceId: string, now: string): Promise<ExpiringPat[]> {
    const expired: ExpiringPat[] = [];
    let startId: string | undefined;
    do {
      const page = await this.calls.send((client) =>
        client.send(new QueryCommand(listExpiredPats(this.tableName, workspaceId, now, startId))),
      );
      expired.push(...(page.Items ?? []).map(toExpiringPat));
      startId = page.LastEvaluatedKey?.id as string | undefined;
    } while (startId !== undefined);
    return expired;
  }

  remove(pat: ExpiringPat, removal: Removal): Promise<boolean> {
    // Still expired as read: an expiry changed meanwhile (a restore, a fix) keeps the PAT.
    const condition = deleteExpiredPat(this.tableName, pat, pat.expiresAt, removal.unannounced);
    return this.deleteCounted(pat, condition, removal.records);
  }

  /** A PAT deleted with its slot freed, in one transaction; `false` when its condition failed. */
  private async deleteCounted(
    pat: { readonly workspaceId: string },
    deletePat: ReturnType<typeof deleteExistingPat> | ReturnType<typeof deleteExpiredPat>,
    records: readonly AuditRecord[],
  ): Promise<boolean> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const reasons = await transact(this.calls, [
        { Delete: deletePat },
        { Update: countDown(this.tableName, pat.workspaceId) },
        ...records.map((record) => this.putRecord(record)),
      ]);
      if (reasons === undefined) return true;
      if (reasons[0]?.Code === CONDITION_FAILED) return false;
      if (reasons[1]?.Code !== CONDITION_FAILED)
        throw new Error(`delete cancelled: ${cancellationCodes(reasons)}`);
      // The PAT exists, so an exact count has one to take back: it was not exact; now it is.
      await this.counter.exactCount(pat.workspaceId);
    }
    throw new Error('delete cancelled: the workspace count has no PAT to take back');
  }
}

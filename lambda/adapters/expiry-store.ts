import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit';
import type { ExpiringPat, Removal } from '../domain/expiry';
import type { ExpiryStore } from '../domain/ports';
import { putAuditRecord } from './audit-commands';
import { cancellationCodes, type DynamoDbCalls, transact } from './dynamodb-client';
import {
  addNotice,
  getIndexedMarker,
  indexForExpiry,
  listDuePats,
  putIndexedMarker,
  scanUnindexed,
} from './expiry-commands';
import { DynamoDbPatRepository, type DynamoDbPatRepositoryProps } from './pat-repository';
import { EXPIRY_INDEX, toExpiringPat } from './pats-table-schema';

/** Parallel segments of the one-off scan for PATs outside the index. */
const SCAN_SEGMENTS = 4;

/**
 * The expiry job's view of the PAT table: the expiry index (eventually consistent, so every write
 * checks its condition against the item itself), notices marked in one transaction with their
 * records, and removals as the repository makes them (with the workspace's counter).
 */
export class DynamoDbExpiryStore implements ExpiryStore {
  private readonly repository: DynamoDbPatRepository;
  private readonly calls: DynamoDbCalls;
  private readonly tableName: string;
  private readonly audit: DynamoDbPatRepositoryProps['audit'];

  constructor(props: DynamoDbPatRepositoryProps) {
    this.repository = new DynamoDbPatRepository(props);
    this.calls = this.repository.calls;
    this.tableName = props.tableName;
    this.audit = props.audit;
  }

  /**
   * PATs stored before the index existed have no index key: the first run gives it to them, with
   * one scan of the table, and marks the table done. A run cut short scans again next time.
   */
  async prepare(): Promise<void> {
    const { Item: marker } = await this.calls.send((client) =>
      client.send(new GetCommand(getIndexedMarker(this.tableName))),
    );
    if (marker !== undefined) return;
    await Promise.all(
      Array.from({ length: SCAN_SEGMENTS }, async (_, segment) => {
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await this.calls.send((client) =>
            client.send(new ScanCommand(scanUnindexed(this.tableName, segment, SCAN_SEGMENTS, startKey))),
          );
          for (const item of page.Items ?? []) {
            const key = { workspaceId: String(item.workspaceId), id: String(item.id) };
            try {
              await this.calls.send((client) =>
                client.send(new UpdateCommand(indexForExpiry(this.tableName, key))),
              );
            } catch (error) {
              // Revoked since the scan read it: nothing to index.
              if ((error as { name?: unknown }).name !== 'ConditionalCheckFailedException') throw error;
            }
          }
          startKey = page.LastEvaluatedKey;
        } while (startKey !== undefined);
      }),
    );
    await this.calls.send((client) => client.send(new PutCommand(putIndexedMarker(this.tableName))));
  }

  async *due(until: string): AsyncIterable<readonly ExpiringPat[]> {
    for (const shard of EXPIRY_INDEX.shards) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.calls.send((client) =>
          client.send(new QueryCommand(listDuePats(this.tableName, shard, until, startKey))),
        );
        yield (page.Items ?? []).map(toExpiringPat);
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
  }

  async notify(pat: ExpiringPat, mark: string, record: AuditRecord): Promise<boolean> {
    const reasons = await transact(this.calls, [
      { Update: addNotice(this.tableName, pat, pat.expiresAt, mark) },
      { Put: putAuditRecord(this.audit.tableName, record, this.audit.retentionDays) },
    ]);
    if (reasons === undefined) return true;
    if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
    throw new Error(`notice cancelled: ${cancellationCodes(reasons)}`);
  }

  remove(pat: ExpiringPat, removal: Removal): Promise<boolean> {
    return this.repository.remove(pat, removal);
  }
}

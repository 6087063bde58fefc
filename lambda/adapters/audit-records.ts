import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditPage, AuditRecord, AuditRecords } from '../domain/audit';
import { listAuditRecords } from './audit-commands';
import { toAuditRecord } from './audit-table-schema';
import { DynamoDbCalls, type DynamoDbCallsProps } from './dynamodb-client';

export interface DynamoDbAuditRecordsProps extends DynamoDbCallsProps {
  readonly tableName: string;
}

/** Records read per request when filtering by PAT: bounds each request's read, not the page. */
const FILTERED_READ = 100;

/** The audit-log route's view of the audit table: Query only. */
export class DynamoDbAuditRecords implements AuditRecords {
  private readonly calls: DynamoDbCalls;
  private readonly tableName: string;

  constructor(props: DynamoDbAuditRecordsProps) {
    this.calls = new DynamoDbCalls(props);
    this.tableName = props.tableName;
  }

  async list(
    workspaceId: string,
    options: { limit: number; afterId?: string | undefined; patId?: string | undefined },
  ): Promise<AuditPage> {
    const records: AuditRecord[] = [];
    let startId = options.afterId;
    // One more than asked: if it comes back, more follow, so a next cursor never leads to an empty page.
    const wanted = options.limit + 1;
    do {
      const limit = options.patId === undefined ? wanted - records.length : FILTERED_READ;
      const page = await this.calls.send((client) =>
        client.send(
          new QueryCommand(listAuditRecords(this.tableName, workspaceId, { ...options, limit, startId })),
        ),
      );
      records.push(...(page.Items ?? []).map(toAuditRecord));
      startId = page.LastEvaluatedKey?.id as string | undefined;
    } while (records.length < wanted && startId !== undefined);
    return { records: records.slice(0, options.limit), hasMore: records.length > options.limit };
  }
}

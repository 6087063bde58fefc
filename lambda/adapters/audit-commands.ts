import type { AuditRecord } from '../domain/audit';
import { AUDIT_RECORD_PROJECTION, toAuditItem } from './audit-table-schema';

/** The audit table's requests, as plain inputs of the document client's commands (see `pat-commands.ts`). */

/** An audit record, kept `retentionDays`; its id is new (a retried transaction is idempotent anyway). */
export const putAuditRecord = (tableName: string, record: AuditRecord, retentionDays: number) => ({
  TableName: tableName,
  Item: toAuditItem(record, retentionDays),
  ConditionExpression: 'attribute_not_exists(id)',
});

/**
 * A page of a workspace's records, newest first, strongly consistent, without their TTL. With
 * `patId`, only that PAT's records (as `patId` or `newPatId`); DynamoDB then reads `Limit` records
 * and returns those that match, so a page may need more than one request.
 */
export const listAuditRecords = (
  tableName: string,
  workspaceId: string,
  options: {
    readonly limit: number;
    readonly startId?: string | undefined;
    readonly patId?: string | undefined;
  },
) => ({
  TableName: tableName,
  KeyConditionExpression: '#workspace = :workspace',
  ExpressionAttributeNames: {
    ...AUDIT_RECORD_PROJECTION.ExpressionAttributeNames,
    '#workspace': 'workspaceId',
    ...(options.patId !== undefined ? { '#pat': 'patId', '#newPat': 'newPatId' } : {}),
  },
  ExpressionAttributeValues: {
    ':workspace': workspaceId,
    ...(options.patId !== undefined ? { ':pat': options.patId } : {}),
  },
  ...(options.patId !== undefined ? { FilterExpression: '#pat = :pat OR #newPat = :pat' } : {}),
  ProjectionExpression: AUDIT_RECORD_PROJECTION.ProjectionExpression,
  ConsistentRead: true,
  ScanIndexForward: false,
  Limit: options.limit,
  ...(options.startId !== undefined ? { ExclusiveStartKey: { workspaceId, id: options.startId } } : {}),
});

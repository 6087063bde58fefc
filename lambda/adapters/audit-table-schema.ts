import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { ACTOR_TYPES, type Actor, AUDIT_ACTIONS, type AuditAction, type AuditRecord } from '../domain/audit';
import { CorruptPatItemError } from '../domain/errors';
import { DAY_MS } from '../domain/pat-policy';

/**
 * The audit table: one item per record, keyed by workspace and record id (UUIDv7, so a Query in
 * descending key order is newest first). Its stream carries the records to the publisher, and
 * only them; `ttl` lets DynamoDB delete a record once its retention is over.
 */
export const AUDIT_TABLE = {
  /** The table name used locally; a deployed table's name comes from CloudFormation. */
  defaultName: 'pats-audit',
  partitionKey: { name: 'workspaceId', type: 'S' },
  sortKey: { name: 'id', type: 'S' },
  ttlAttribute: 'ttl',
} as const;

/** A record's attributes: the contract's fields, nothing else. */
export const AUDIT_RECORD_ATTRIBUTES = [
  'workspaceId',
  'id',
  'action',
  'patId',
  'name',
  'tokenPrefix',
  'actor',
  'occurredAt',
  'newPatId',
  'reason',
  'source',
  'url',
  'daysLeft',
] as const;

/** What a record's item holds: its fields and its expiry. */
export const STORED_AUDIT_ATTRIBUTES = [...AUDIT_RECORD_ATTRIBUTES, AUDIT_TABLE.ttlAttribute] as const;

/** The projection of a record's fields (`name` is a reserved word, so every one has a placeholder). */
export const AUDIT_RECORD_PROJECTION = {
  ProjectionExpression: AUDIT_RECORD_ATTRIBUTES.map((_, i) => `#r${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(AUDIT_RECORD_ATTRIBUTES.map((name, i) => [`#r${i}`, name])),
} as const;

/** The item of a record, which DynamoDB deletes `retentionDays` after it occurred. */
export function toAuditItem(record: AuditRecord, retentionDays: number): Record<string, unknown> {
  const expires = Date.parse(record.occurredAt) + retentionDays * DAY_MS;
  return { ...record, actor: { ...record.actor }, [AUDIT_TABLE.ttlAttribute]: Math.floor(expires / 1000) };
}

/**
 * A record from its item (a Query's or a stream's image), checked against the contract's fields;
 * the key and TTL attributes beyond them are left out. A broken item is a 500, logged with its key.
 */
export function toAuditRecord(item: Record<string, unknown>): AuditRecord {
  const problems: string[] = [];
  const text = (name: string, required = true): string | undefined => {
    const value = item[name];
    if (value === undefined && !required) return undefined;
    if (typeof value === 'string' && value !== '') return value;
    problems.push(value === undefined ? `${name} is missing` : `${name} is not a non-empty string`);
    return undefined;
  };
  const workspaceId = text('workspaceId');
  const id = text('id');
  const action = text('action');
  if (action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(action))
    problems.push(`action ${action} is unknown`);
  const actor = item.actor as Partial<Actor> | undefined;
  if (
    typeof actor !== 'object' ||
    actor === null ||
    !(ACTOR_TYPES as readonly unknown[]).includes(actor.type) ||
    typeof actor.subject !== 'string'
  )
    problems.push('actor is not {type, subject}');
  const reason = text('reason', false);
  if (reason !== undefined && reason !== 'user' && reason !== 'leaked')
    problems.push(`reason ${reason} is unknown`);
  const daysLeft = item.daysLeft;
  if (daysLeft !== undefined && daysLeft !== 7 && daysLeft !== 1) problems.push('daysLeft is not 7 or 1');
  const fields = {
    patId: text('patId'),
    name: text('name'),
    tokenPrefix: text('tokenPrefix'),
    occurredAt: text('occurredAt'),
    newPatId: text('newPatId', false),
    source: text('source', false),
    url: text('url', false),
  };
  if (problems.length > 0) {
    throw new CorruptPatItemError(
      { workspaceId: String(item.workspaceId), id: String(item.id) },
      problems,
      'audit record',
    );
  }
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return {
    id: id as string,
    action: action as AuditAction,
    workspaceId: workspaceId as string,
    patId: fields.patId as string,
    name: fields.name as string,
    tokenPrefix: fields.tokenPrefix as string,
    actor: { type: (actor as Actor).type, subject: (actor as Actor).subject },
    occurredAt: fields.occurredAt as string,
    ...optional('newPatId', fields.newPatId),
    ...optional('reason', reason as AuditRecord['reason']),
    ...optional('source', fields.source),
    ...optional('url', fields.url),
    ...optional('daysLeft', daysLeft as AuditRecord['daysLeft']),
  };
}

/**
 * The `CreateTable` request for a local DynamoDB-compatible store, with the stream the publisher
 * reads (new images: the record as written). On AWS the table comes from CloudFormation.
 */
export function auditTableCreateInput(tableName: string = AUDIT_TABLE.defaultName): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: AUDIT_TABLE.partitionKey.name, AttributeType: AUDIT_TABLE.partitionKey.type },
      { AttributeName: AUDIT_TABLE.sortKey.name, AttributeType: AUDIT_TABLE.sortKey.type },
    ],
    KeySchema: [
      { AttributeName: AUDIT_TABLE.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: AUDIT_TABLE.sortKey.name, KeyType: 'RANGE' },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  };
}

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CorruptPatItemError } from '../domain/errors';
import type { ExpiringPat } from '../domain/expiry';
import type { PatRecord } from '../domain/pat';
import type { PatCredential } from '../domain/ports';

/**
 * The PAT table's shape and how its items map to the domain: the one definition the CDK stack, the
 * repositories and the local store build from. No CDK code, so a Lambda bundle never pulls it in.
 */
export const PATS_TABLE = {
  /** The table name used locally; a deployed table's name comes from CloudFormation. */
  defaultName: 'pats',
  partitionKey: { name: 'workspaceId', type: 'S' },
  sortKey: { name: 'id', type: 'S' },
} as const;

/**
 * The attributes a read may return. `tokenHash` is deliberately absent: the projection keeps it
 * out of the Lambda's memory altogether, not just out of the response (and the IAM policies of
 * the reading functions allow no other attribute).
 */
export const READABLE_PAT_ATTRIBUTES = [
  'workspaceId',
  'id',
  'name',
  'scopes',
  'tokenPrefix',
  'createdAt',
  'expiresAt',
  'lastUsedAt',
  'createdBy',
] as const;

/** Every attribute a PAT item may have. */
export const PAT_ATTRIBUTES = [...READABLE_PAT_ATTRIBUTES, 'tokenHash'] as const;

/**
 * The expiry job's sparse index: PATs by expiry, spread over 16 partitions by the last hex digit
 * of their id (random), so that creates never crowd one index partition. `expiresAt` is the sort
 * key itself, so an expiry edited outside the API moves in the index with it. The index holds
 * what a notice names, the notices given, and never `tokenHash`.
 */
export const EXPIRY_INDEX = {
  name: 'expiry',
  partitionKey: { name: 'expiryShard', type: 'S' },
  sortKey: { name: 'expiresAt', type: 'S' },
  shards: '0123456789abcdef'.split(''),
  noticesAttribute: 'notices',
  projected: ['name', 'tokenPrefix', 'notices'],
} as const;

/** The index partition of a PAT. */
export const expiryShardOf = (id: string) => id.slice(-1).toLowerCase();

/** What a new PAT's item holds: its attributes and its index partition. */
export const STORED_PAT_ATTRIBUTES = [...PAT_ATTRIBUTES, EXPIRY_INDEX.partitionKey.name] as const;

/**
 * Each workspace has one more item beside its PATs: the number of PAT items it holds, which every
 * create and revoke changes in its own transaction, so the limit holds exactly under concurrency.
 * `exact` marks a count taken from the items themselves (docs/architecture.md, "The limit"): every
 * write that changes the count requires it. Its sort key is no UUID, so the list never sees it.
 */
export const WORKSPACE_COUNTER = {
  id: '#pat-count',
  countAttribute: 'patCount',
  exactAttribute: 'exact',
} as const;

/** The attributes of the counter item. */
export const COUNTER_ATTRIBUTES = [
  'workspaceId',
  'id',
  WORKSPACE_COUNTER.countAttribute,
  WORKSPACE_COUNTER.exactAttribute,
] as const;

/** Every PAT id lies in this range of the sort key, and the counter's `#` sorts below it. */
export const PAT_ID_RANGE = {
  lowest: '00000000-0000-0000-0000-000000000000',
  highest: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
} as const;

/**
 * The projection of `READABLE_PAT_ATTRIBUTES`, for `GetItem` and `Query`. Every attribute goes
 * through a placeholder because `name` is a DynamoDB reserved word.
 */
export const READABLE_PAT_PROJECTION = {
  ProjectionExpression: READABLE_PAT_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(READABLE_PAT_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
} as const;

/** What the authorizer reads: the readable attributes and the hash it compares the token with. */
export const CREDENTIAL_PROJECTION = {
  ProjectionExpression: PAT_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(PAT_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
} as const;

/**
 * The `CreateTable` request for a local DynamoDB-compatible store, built from the same key
 * definition the CDK stack uses. (On AWS the table comes from CloudFormation.)
 */
export function patsTableCreateInput(tableName: string = PATS_TABLE.defaultName): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: PATS_TABLE.partitionKey.name, AttributeType: PATS_TABLE.partitionKey.type },
      { AttributeName: PATS_TABLE.sortKey.name, AttributeType: PATS_TABLE.sortKey.type },
      { AttributeName: EXPIRY_INDEX.partitionKey.name, AttributeType: EXPIRY_INDEX.partitionKey.type },
      { AttributeName: EXPIRY_INDEX.sortKey.name, AttributeType: EXPIRY_INDEX.sortKey.type },
    ],
    KeySchema: [
      { AttributeName: PATS_TABLE.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: PATS_TABLE.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [expiryIndexInput()],
  };
}

/** The expiry index as `CreateTable` and `UpdateTable` take it. */
export function expiryIndexInput() {
  return {
    IndexName: EXPIRY_INDEX.name,
    KeySchema: [
      { AttributeName: EXPIRY_INDEX.partitionKey.name, KeyType: 'HASH' as const },
      { AttributeName: EXPIRY_INDEX.sortKey.name, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...EXPIRY_INDEX.projected] },
  };
}

/** A PAT as the expiry index (or a Query of expired PATs) returns it, with the notices given. */
export function toExpiringPat(item: Record<string, unknown>): ExpiringPat {
  const key = { workspaceId: String(item.workspaceId), id: String(item.id) };
  const problems = ['name', 'tokenPrefix', 'expiresAt']
    .filter((name) => typeof item[name] !== 'string' || item[name] === '')
    .map((name) => `${name} is not a non-empty string`);
  if (problems.length > 0) throw new CorruptPatItemError(key, problems);
  const notices = item[EXPIRY_INDEX.noticesAttribute];
  return {
    ...key,
    name: item.name as string,
    tokenPrefix: item.tokenPrefix as string,
    expiresAt: item.expiresAt as string,
    // A string set reaches the document client as a Set.
    notices: notices instanceof Set ? [...(notices as Set<string>)] : [],
  };
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

/** What the authorizer reads of an item (`CREDENTIAL_PROJECTION`): the record and its hash. */
export function toPatCredential(
  item: Record<string, unknown>,
  key: { workspaceId: string; id: string },
): PatCredential {
  const record = toPatRecord(item, key);
  const tokenHash = item.tokenHash;
  if (typeof tokenHash !== 'string' || tokenHash === '') {
    throw new CorruptPatItemError(key, ['tokenHash is missing']);
  }
  return {
    workspaceId: key.workspaceId,
    id: key.id,
    name: record.name,
    scopes: record.scopes,
    tokenHash,
    expiresAt: record.expiresAt,
    lastUsedAt: record.lastUsedAt,
    createdBy: record.createdBy,
  };
}

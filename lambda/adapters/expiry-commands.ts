import { EXPIRY_INDEX, expiryShardOf } from './pats-table-schema';

/**
 * The expiry job's requests, as plain inputs of the document client's commands (see
 * `pat-commands.ts`): the index it reads, the notices it marks, and the one-off indexing of PATs
 * stored before the index existed.
 */
type Key = { readonly workspaceId: string; readonly id: string };

/** A notice marked on a PAT, on condition it still expires when it did and has not had it. */
export const addNotice = (tableName: string, key: Key, expiresAt: string, mark: string) => ({
  TableName: tableName,
  Key: { workspaceId: key.workspaceId, id: key.id },
  UpdateExpression: 'ADD #notices :marks',
  ConditionExpression: 'attribute_exists(#id) AND #expiresAt = :expiresAt AND NOT contains(#notices, :mark)',
  ExpressionAttributeNames: {
    '#id': 'id',
    '#expiresAt': 'expiresAt',
    '#notices': EXPIRY_INDEX.noticesAttribute,
  },
  ExpressionAttributeValues: { ':expiresAt': expiresAt, ':mark': mark, ':marks': new Set([mark]) },
});

/** A page of one expiry-index partition: the PATs expiring at or before `until`. */
export const listDuePats = (
  tableName: string,
  shard: string,
  until: string,
  startKey?: Record<string, unknown> | undefined,
) => ({
  TableName: tableName,
  IndexName: EXPIRY_INDEX.name,
  KeyConditionExpression: '#shard = :shard AND #expiresAt <= :until',
  ExpressionAttributeNames: {
    '#shard': EXPIRY_INDEX.partitionKey.name,
    '#expiresAt': EXPIRY_INDEX.sortKey.name,
    '#workspace': 'workspaceId',
    '#id': 'id',
    '#name': 'name',
    '#prefix': 'tokenPrefix',
    '#notices': EXPIRY_INDEX.noticesAttribute,
  },
  ExpressionAttributeValues: { ':shard': shard, ':until': until },
  ProjectionExpression: '#workspace, #id, #name, #prefix, #expiresAt, #notices',
  ...(startKey !== undefined ? { ExclusiveStartKey: startKey } : {}),
});

/** A page of PATs with an expiry but outside the expiry index (stored by an earlier version). */
export const scanUnindexed = (
  tableName: string,
  segment: number,
  segments: number,
  startKey?: Record<string, unknown> | undefined,
) => ({
  TableName: tableName,
  Segment: segment,
  TotalSegments: segments,
  FilterExpression: 'attribute_exists(#expiresAt) AND attribute_not_exists(#shard)',
  ExpressionAttributeNames: {
    '#workspace': 'workspaceId',
    '#id': 'id',
    '#expiresAt': 'expiresAt',
    '#shard': EXPIRY_INDEX.partitionKey.name,
  },
  ProjectionExpression: '#workspace, #id',
  ...(startKey !== undefined ? { ExclusiveStartKey: startKey } : {}),
});

/** A PAT put into the expiry index, on condition it still exists. */
export const indexForExpiry = (tableName: string, key: Key) => ({
  TableName: tableName,
  Key: { workspaceId: key.workspaceId, id: key.id },
  UpdateExpression: 'SET #shard = :shard',
  ConditionExpression: 'attribute_exists(#id)',
  ExpressionAttributeNames: { '#id': 'id', '#shard': EXPIRY_INDEX.partitionKey.name },
  ExpressionAttributeValues: { ':shard': expiryShardOf(key.id) },
});

/** The item that says every PAT with an expiry is in the index (outside every workspace's UUID keys). */
export const INDEXED_MARKER = { workspaceId: '#expiry-index', id: '#complete' } as const;

export const getIndexedMarker = (tableName: string) => ({
  TableName: tableName,
  Key: { ...INDEXED_MARKER },
  ConsistentRead: true,
  ProjectionExpression: '#id',
  ExpressionAttributeNames: { '#id': 'id' },
});

export const putIndexedMarker = (tableName: string) => ({
  TableName: tableName,
  Item: { ...INDEXED_MARKER },
});

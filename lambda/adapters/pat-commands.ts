import type { NewPatItem } from '../domain/pat';
import {
  type CREDENTIAL_PROJECTION,
  EXPIRY_INDEX,
  expiryShardOf,
  PAT_ID_RANGE,
  READABLE_PAT_PROJECTION,
  WORKSPACE_COUNTER,
} from './pats-table-schema';

/**
 * The requests the repositories send, as plain inputs of the document client's commands, so the
 * benchmarks measure their raw baselines with exactly what the repositories send.
 */
type Key = { readonly workspaceId: string; readonly id: string };

/** One item by its key, strongly consistent, with only the attributes of `projection`. */
export const getPat = (
  tableName: string,
  key: Key,
  projection: typeof READABLE_PAT_PROJECTION | typeof CREDENTIAL_PROJECTION,
) => ({
  TableName: tableName,
  Key: { workspaceId: key.workspaceId, id: key.id },
  ConsistentRead: true,
  ...projection,
});

/**
 * A page of a workspace's PATs, newest first. One more than asked is read: if it comes back, more
 * follow, so a next cursor never leads to an empty page.
 */
export const listPats = (
  tableName: string,
  workspaceId: string,
  limit: number,
  afterId?: string | undefined,
) => {
  const range = patRange(tableName, workspaceId, afterId);
  return {
    ...range,
    ExpressionAttributeNames: {
      ...range.ExpressionAttributeNames,
      ...READABLE_PAT_PROJECTION.ExpressionAttributeNames,
    },
    ProjectionExpression: READABLE_PAT_PROJECTION.ProjectionExpression,
    ScanIndexForward: false,
    Limit: limit + 1,
  };
};

/** A new PAT, in the expiry index, on condition its id is new. */
export const putNewPat = (tableName: string, item: NewPatItem) => ({
  TableName: tableName,
  Item: { ...item, [EXPIRY_INDEX.partitionKey.name]: expiryShardOf(item.id) },
  ConditionExpression: 'attribute_not_exists(id)',
});

/** The delete of a PAT, on condition it still exists. */
export const deleteExistingPat = (tableName: string, key: Key) => ({
  TableName: tableName,
  Key: { workspaceId: key.workspaceId, id: key.id },
  ConditionExpression: 'attribute_exists(id)',
});

const COUNTER_NAMES = {
  '#count': WORKSPACE_COUNTER.countAttribute,
  '#exact': WORKSPACE_COUNTER.exactAttribute,
} as const;
const counterKey = (workspaceId: string) => ({ workspaceId, id: WORKSPACE_COUNTER.id });

/** One more PAT in the workspace, on condition the count is exact and below `max`. */
export const countUp = (tableName: string, workspaceId: string, max: number) => ({
  TableName: tableName,
  Key: counterKey(workspaceId),
  UpdateExpression: 'SET #count = #count + :one',
  ConditionExpression: '#exact = :true AND #count < :max',
  ExpressionAttributeNames: COUNTER_NAMES,
  ExpressionAttributeValues: { ':one': 1, ':true': true, ':max': max },
});

/** One PAT fewer, on condition the count is exact and has one to take back. */
export const countDown = (tableName: string, workspaceId: string) => ({
  TableName: tableName,
  Key: counterKey(workspaceId),
  UpdateExpression: 'SET #count = #count - :one',
  ConditionExpression: '#exact = :true AND #count > :zero',
  ExpressionAttributeNames: COUNTER_NAMES,
  ExpressionAttributeValues: { ':one': 1, ':true': true, ':zero': 0 },
});

/** The counter item, strongly consistent. */
export const getCounter = (tableName: string, workspaceId: string) => ({
  TableName: tableName,
  Key: counterKey(workspaceId),
  ConsistentRead: true,
  ProjectionExpression: '#count, #exact',
  ExpressionAttributeNames: COUNTER_NAMES,
});

/**
 * The count taken from the items, marked exact, on condition the counter still holds what was read
 * before the items were counted (`seen`, `undefined` when there was no count).
 */
export const setExactCount = (
  tableName: string,
  workspaceId: string,
  count: number,
  seen: number | undefined,
) => ({
  TableName: tableName,
  Key: counterKey(workspaceId),
  UpdateExpression: 'SET #count = :count, #exact = :true',
  ConditionExpression: `${seen === undefined ? 'attribute_not_exists(#count)' : '#count = :seen'} AND attribute_not_exists(#exact)`,
  ExpressionAttributeNames: COUNTER_NAMES,
  ExpressionAttributeValues: {
    ':count': count,
    ':true': true,
    ...(seen === undefined ? {} : { ':seen': seen }),
  },
});

/** The ids of a workspace's PATs, a page at a time (to count them). */
export const listPatIds = (tableName: string, workspaceId: string, startId?: string | undefined) => ({
  ...patRange(tableName, workspaceId, startId),
  ProjectionExpression: '#id',
});

/** The workspace's PATs that expired at or before `now`, with their notices, a page at a time. */
export const listExpiredPats = (
  tableName: string,
  workspaceId: string,
  now: string,
  startId?: string | undefined,
) => {
  const range = patRange(tableName, workspaceId, startId);
  return {
    ...range,
    ExpressionAttributeNames: {
      ...range.ExpressionAttributeNames,
      ...READABLE_PAT_PROJECTION.ExpressionAttributeNames,
      '#expires': 'expiresAt',
      '#notices': EXPIRY_INDEX.noticesAttribute,
    },
    ExpressionAttributeValues: { ...range.ExpressionAttributeValues, ':now': now },
    ProjectionExpression: `${READABLE_PAT_PROJECTION.ProjectionExpression}, #notices`,
    FilterExpression: '#expires <= :now',
  };
};

/**
 * The delete of an expired PAT, on condition it is still the one read (same expiry) and, when the
 * removal announces the expiry itself, that no one announced it meanwhile.
 */
export const deleteExpiredPat = (tableName: string, key: Key, expiresAt: string, unannounced?: string) => ({
  TableName: tableName,
  Key: { workspaceId: key.workspaceId, id: key.id },
  ConditionExpression: `attribute_exists(id) AND #expiresAt = :expiresAt${
    unannounced === undefined ? '' : ' AND NOT contains(#notices, :mark)'
  }`,
  ExpressionAttributeNames: {
    '#expiresAt': 'expiresAt',
    ...(unannounced === undefined ? {} : { '#notices': EXPIRY_INDEX.noticesAttribute }),
  },
  ExpressionAttributeValues: {
    ':expiresAt': expiresAt,
    ...(unannounced === undefined ? {} : { ':mark': unannounced }),
  },
});

/** A strongly consistent Query of the workspace's PATs: ids in the UUID range, so never the counter. */
function patRange(tableName: string, workspaceId: string, startId: string | undefined) {
  return {
    TableName: tableName,
    KeyConditionExpression: '#workspace = :workspace AND #id BETWEEN :lowest AND :highest',
    ExpressionAttributeNames: { '#workspace': 'workspaceId', '#id': 'id' },
    ExpressionAttributeValues: {
      ':workspace': workspaceId,
      ':lowest': PAT_ID_RANGE.lowest,
      ':highest': PAT_ID_RANGE.highest,
    },
    ConsistentRead: true,
    ...(startId !== undefined ? { ExclusiveStartKey: { workspaceId, id: startId } } : {}),
  };
}

/**
 * `lastUsedAt` = `now` unless another instance wrote it at or after `notBefore` (once per interval
 * across instances); never re-creates a PAT revoked meanwhile.
 */
export const touchLastUsed = (tableName: string, key: Key, now: string, notBefore: string) => ({
  TableName: tableName,
  Key: { workspaceId: key.workspaceId, id: key.id },
  UpdateExpression: 'SET #lastUsedAt = :now',
  ConditionExpression:
    'attribute_exists(#id) AND (attribute_not_exists(#lastUsedAt) OR #lastUsedAt < :notBefore)',
  ExpressionAttributeNames: { '#id': 'id', '#lastUsedAt': 'lastUsedAt' },
  ExpressionAttributeValues: { ':now': now, ':notBefore': notBefore },
});

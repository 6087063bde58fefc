import type { NewPatItem } from '../domain/pat';
import {
  type CREDENTIAL_PROJECTION,
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
) => ({
  TableName: tableName,
  // Only ids in the UUID range: the workspace's counter item is not a PAT.
  KeyConditionExpression: '#workspace = :workspace AND #id BETWEEN :lowest AND :highest',
  ExpressionAttributeNames: {
    '#workspace': 'workspaceId',
    '#id': 'id',
    ...READABLE_PAT_PROJECTION.ExpressionAttributeNames,
  },
  ExpressionAttributeValues: {
    ':workspace': workspaceId,
    ':lowest': PAT_ID_RANGE.lowest,
    ':highest': PAT_ID_RANGE.highest,
  },
  ProjectionExpression: READABLE_PAT_PROJECTION.ProjectionExpression,
  ScanIndexForward: false,
  ConsistentRead: true,
  Limit: limit + 1,
  ...(afterId !== undefined ? { ExclusiveStartKey: { workspaceId, id: afterId } } : {}),
});

/** A new PAT, on condition its id is new. */
export const putNewPat = (tableName: string, item: NewPatItem) => ({
  TableName: tableName,
  Item: { ...item },
  ConditionExpression: 'attribute_not_exists(id)',
});

/** The delete of a PAT, on condition it still exists. */
export const deleteExistingPat = (tableName: string, key: Key) => ({
  TableName: tableName,
  Key: { workspaceId: key.workspaceId, id: key.id },
  ConditionExpression: 'attribute_exists(id)',
});

/** One more PAT in the workspace, on condition it holds fewer than `max`. */
export const countUp = (tableName: string, workspaceId: string, max: number) => ({
  TableName: tableName,
  Key: { workspaceId, id: WORKSPACE_COUNTER.id },
  UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one',
  ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
  ExpressionAttributeNames: { '#count': WORKSPACE_COUNTER.countAttribute },
  ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': max },
});

/** One PAT fewer, on condition the counter has one to take back. */
export const countDown = (tableName: string, workspaceId: string) => ({
  TableName: tableName,
  Key: { workspaceId, id: WORKSPACE_COUNTER.id },
  UpdateExpression: 'SET #count = #count - :one',
  ConditionExpression: '#count > :zero',
  ExpressionAttributeNames: { '#count': WORKSPACE_COUNTER.countAttribute },
  ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
});

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

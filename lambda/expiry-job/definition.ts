import { INDEXED_MARKER } from '../adapters/expiry-commands';
import { EXPIRY_INDEX } from '../adapters/pats-table-schema';
import { EXPIRY_JOB_SETTINGS } from '../config/schema';
import { GRANTS } from '../routes/management';
import type { FunctionDefinition } from '../routes/route';

const KEYS = ['workspaceId', 'id'] as const;
const { partitionKey: shard, sortKey: expiresAt, noticesAttribute: notices } = EXPIRY_INDEX;

/**
 * The expiry job (`ExpiryJob`), run daily by EventBridge Scheduler: it reads the expiry index,
 * marks notices, removes PATs (with the workspace's counter) and writes their records. Never a
 * hash: the index does not hold it and no grant names it.
 */
export const EXPIRY_JOB_FUNCTION = {
  name: 'expiryJob',
  summary: 'Expiry job: announces expiries and removes PATs expired for their retention',
  settings: EXPIRY_JOB_SETTINGS,
  table: [
    {
      index: EXPIRY_INDEX.name,
      actions: ['dynamodb:Query'],
      attributes: [...KEYS, 'name', 'tokenPrefix', expiresAt.name, notices, shard.name],
      reads: true,
    },
    // Notices, and the index key of PATs stored before the index existed.
    { actions: ['dynamodb:UpdateItem'], attributes: [...KEYS, expiresAt.name, notices, shard.name] },
    GRANTS.deletePat,
    GRANTS.countPats,
    GRANTS.readCount,
    GRANTS.queryPats,
    GRANTS.putRecord,
    // The one-off indexing: a scan for PATs outside the index, and its mark when done.
    { actions: ['dynamodb:Scan'], attributes: [...KEYS, expiresAt.name, shard.name], reads: true },
    {
      actions: ['dynamodb:GetItem'],
      attributes: KEYS,
      leadingKeys: [INDEXED_MARKER.workspaceId],
      reads: true,
    },
    { actions: ['dynamodb:PutItem'], attributes: KEYS, leadingKeys: [INDEXED_MARKER.workspaceId] },
  ],
  concurrencyWeight: 1,
} as const satisfies FunctionDefinition;

import { createHash, randomInt, randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { READABLE_PAT_PROJECTION } from '../lambda/adapters/pats-table-schema';
import type { PatRecord } from '../lambda/domain/pat';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Random characters after `pat_`: 40 base62 characters is about 238 bits. */
const SECRET_LENGTH = 40;

/** A new PAT secret: `pat_` and base62 characters drawn uniformly from the OS CSPRNG. */
export function newPatSecret(): string {
  let secret = 'pat_';
  for (let i = 0; i < SECRET_LENGTH; i += 1) secret += BASE62[randomInt(BASE62.length)];
  return secret;
}

export const hashPatSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export interface NewPat {
  readonly workspaceId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly expiresAt?: string;
  readonly createdBy?: string;
  /** A fixed id (the demo PAT); a random UUID otherwise. */
  readonly id?: string;
}

/**
 * Stores a PAT as the contract's item: the secret's SHA-256 and its first 12 characters, never the
 * secret itself, which is returned once for the caller to show.
 */
export async function createPat(
  client: DynamoDBDocumentClient,
  tableName: string,
  pat: NewPat,
): Promise<{ secret: string; record: PatRecord }> {
  const secret = newPatSecret();
  const record: PatRecord = {
    workspaceId: pat.workspaceId.toLowerCase(),
    id: (pat.id ?? randomUUID()).toLowerCase(),
    name: pat.name,
    scopes: [...pat.scopes],
    tokenPrefix: secret.slice(0, 12),
    createdAt: new Date().toISOString(),
    ...(pat.expiresAt !== undefined ? { expiresAt: pat.expiresAt } : {}),
  };
  await client.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...record,
        tokenHash: hashPatSecret(secret),
        ...(pat.createdBy ? { createdBy: pat.createdBy } : {}),
      },
      // Never overwrite: a second PAT with the same id would silently replace the first one's hash.
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  );
  return { secret, record };
}

/** A workspace's PATs' metadata (no hashes), oldest first. */
export async function listPats(
  client: DynamoDBDocumentClient,
  tableName: string,
  workspaceId: string,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#ws = :ws',
        ExpressionAttributeNames: {
          '#ws': 'workspaceId',
          ...READABLE_PAT_PROJECTION.ExpressionAttributeNames,
        },
        ExpressionAttributeValues: { ':ws': workspaceId.toLowerCase() },
        ProjectionExpression: READABLE_PAT_PROJECTION.ProjectionExpression,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items.sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
}

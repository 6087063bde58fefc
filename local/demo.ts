import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { createPat } from './pat-admin';

/** Fixed ids, so the demo workspace and PAT are the same on every start and in `events/`. */
export const DEMO = {
  workspaceId: 'c0ffee00-0000-4000-8000-000000000001',
  patId: 'c0ffee00-0000-4000-8000-0000000000a1',
  subject: 'demo-user',
} as const;

/**
 * Creates the demo PAT on first start only. Returns its secret when it was just created (it is
 * shown once, like any PAT secret), `undefined` when it already existed.
 */
export async function seedDemo(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<string | undefined> {
  const existing = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: { workspaceId: DEMO.workspaceId, id: DEMO.patId },
      ConsistentRead: true,
    }),
  );
  if (existing.Item !== undefined) return undefined;
  const { secret } = await createPat(client, tableName, {
    id: DEMO.patId,
    workspaceId: DEMO.workspaceId,
    name: 'Demo PAT',
    scopes: ['read', 'write'],
    createdBy: DEMO.subject,
  });
  return secret;
}

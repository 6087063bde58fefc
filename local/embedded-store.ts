import { join } from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { auditTableCreateInput } from '../lambda/adapters/audit-table-schema';
import { EXPIRY_INDEX, expiryIndexInput, patsTableCreateInput } from '../lambda/adapters/pats-table-schema';
import { type RunningDynamoDbLocal, startDynamoDbLocal } from './store/dynamodb-local';

/**
 * The embedded store: DynamoDB Local (AWS's own emulator: transactions, DynamoDB's validation), on
 * disk under the data folder or in memory, on a real port so the AWS CLI and SDKs can use it too,
 * and reachable only from this machine (see `store/LoopbackDynamoDbLocal.java`).
 */
export function startEmbeddedStore(options: {
  port: number;
  hosts: readonly string[];
  dataDir: string;
  inMemory: boolean;
}): Promise<RunningDynamoDbLocal> {
  return startDynamoDbLocal({
    port: options.port,
    listen: options.hosts,
    dbPath: options.inMemory ? undefined : join(options.dataDir, 'dynamodb-local'),
  });
}

/**
 * Creates the PAT table (with its expiry index) and the audit table (with its stream) from the
 * shared definitions unless they exist; a PAT table of an earlier version gets the index.
 */
export async function ensureTables(
  client: DynamoDBDocumentClient,
  names: { readonly pats: string; readonly audit: string },
): Promise<'created' | 'exists'> {
  const pats = await ensureTable(client, patsTableCreateInput(names.pats));
  const audit = await ensureTable(client, auditTableCreateInput(names.audit));
  if (pats === 'exists') await ensureExpiryIndex(client, names.pats);
  return pats === 'created' || audit === 'created' ? 'created' : 'exists';
}

async function ensureTable(client: DynamoDBDocumentClient, input: CreateTableCommandInput) {
  const tableName = input.TableName as string;
  if ((await describe(client, tableName)) !== undefined) return 'exists';
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    // Another process created it meanwhile: it is there, or soon will be.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  await waitUntilActive(client, tableName);
  return 'created';
}

async function ensureExpiryIndex(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  const table = await describe(client, tableName);
  if (table?.GlobalSecondaryIndexes?.some((index) => index.IndexName === EXPIRY_INDEX.name)) return;
  const input = patsTableCreateInput(tableName);
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      AttributeDefinitions: input.AttributeDefinitions,
      GlobalSecondaryIndexUpdates: [{ Create: expiryIndexInput() }],
    }),
  );
  await waitUntilActive(client, tableName);
}

async function describe(client: DynamoDBDocumentClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/**
 * A new table may be CREATING for a moment, and reads fail until it is ACTIVE.
 * (The SDK's own waiter polls every 20 s at best: far too slow for a local start.)
 */
async function waitUntilActive(
  client: DynamoDBDocumentClient,
  tableName: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline)
      throw new Error(`table ${tableName} is still ${Table?.TableStatus} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

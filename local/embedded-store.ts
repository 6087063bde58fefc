import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { patsTableCreateInput } from '../lambda/adapters/pats-table-schema';
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

/** Creates the PAT table from the shared definition unless it exists. */
export async function ensurePatsTable(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<'created' | 'exists'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'exists';
  } catch (error) {
    if (
      !(error instanceof ResourceNotFoundException) &&
      (error as Error).name !== 'ResourceNotFoundException'
    )
      throw error;
  }
  try {
    await client.send(new CreateTableCommand(patsTableCreateInput(tableName)));
  } catch (error) {
    // Another process created it meanwhile: it is there, or soon will be.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  await waitUntilActive(client, tableName);
  return 'created';
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
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline)
      throw new Error(`table ${tableName} is still ${Table?.TableStatus} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { patsTableCreateInput } from '../lambda/adapters/pats-table-schema';
import { listen } from './listen';

/**
 * The embedded DynamoDB-compatible store (dynalite): on disk under the data folder, or in memory.
 * It listens on a real port so the AWS CLI and SDKs can use it too.
 */
export async function startEmbeddedStore(options: {
  port: number;
  host: string;
  dataDir: string;
  inMemory: boolean;
}): Promise<{ endpoint: string; close: () => Promise<void> }> {
  let path: string | undefined;
  if (!options.inMemory) {
    path = join(options.dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const server: Server = dynalite({ ...(path !== undefined ? { path } : {}), createTableMs: 0 });
  await listen(server, options.port, options.host, 'DYNAMODB_PORT');
  const endpoint = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A document client for a local endpoint (any credentials do). */
export function localDocumentClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
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
  await client.send(new CreateTableCommand(patsTableCreateInput(tableName)));
  await waitUntilActive(client, tableName);
  return 'created';
}

/**
 * A new table is CREATING for a moment, even in dynalite, and reads fail until it is ACTIVE.
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

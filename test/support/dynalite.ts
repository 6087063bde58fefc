import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { ensurePatsTable } from '../../local/embedded-store';

/** A real DynamoDB-compatible server (dynalite, in memory) on 127.0.0.1, started by the test itself. */
export class TestDynamo {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    readonly client: DynamoDBDocumentClient,
  ) {}

  static async start(): Promise<TestDynamo> {
    const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
    return new TestDynamo(server, endpoint, client);
  }

  /** Creates the PAT table the way `npm start` does, and waits until it is ACTIVE. */
  async createPatsTable(tableName: string): Promise<void> {
    await ensurePatsTable(this.client, tableName);
  }

  async put(tableName: string, item: Record<string, unknown>): Promise<void> {
    await this.client.send(new PutCommand({ TableName: tableName, Item: item }));
  }

  async stop(): Promise<void> {
    this.client.destroy();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

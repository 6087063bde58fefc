import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ensurePatsTable } from '../../local/embedded-store';

/**
 * The run's DynamoDB Local (started once by `global-setup.ts`), seen through a client of this
 * suite. Each suite creates its own tables (`createPatsTable` with a random name), so suites
 * running side by side never share data.
 */
export class TestDynamo {
  private constructor(
    readonly endpoint: string,
    readonly client: DynamoDBDocumentClient,
  ) {}

  static async start(): Promise<TestDynamo> {
    const endpoint = process.env.TEST_DYNAMODB_ENDPOINT;
    if (endpoint === undefined) throw new Error('TEST_DYNAMODB_ENDPOINT is not set: run the tests with jest');
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
    return new TestDynamo(endpoint, client);
  }

  /** Creates a PAT table the way `npm start` does (ACTIVE when this returns). */
  async createPatsTable(tableName: string = newTableName()): Promise<string> {
    await ensurePatsTable(this.client, tableName);
    return tableName;
  }

  async put(tableName: string, item: Record<string, unknown>): Promise<void> {
    await this.client.send(new PutCommand({ TableName: tableName, Item: item }));
  }

  /** An item as stored (every attribute), read strongly consistently; `undefined` when absent. */
  async get(
    tableName: string,
    key: { workspaceId: string; id: string },
  ): Promise<Record<string, unknown> | undefined> {
    return (await this.client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })))
      .Item;
  }

  async stop(): Promise<void> {
    this.client.destroy();
  }
}

export const newTableName = () => `pats-${randomUUID()}`;

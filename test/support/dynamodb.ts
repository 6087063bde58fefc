import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTables } from '../../local/embedded-store';

/**
 * The run's DynamoDB Local (started once by `global-setup.ts`), seen through a client of this
 * suite. Each suite creates its own tables (`createPatsTable` with a random name, and its audit
 * table beside it), so suites running side by side never share data.
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

  /** Creates a PAT table and its audit table (`auditTableOf`) the way `npm start` does (ACTIVE when this returns). */
  async createPatsTable(tableName: string = newTableName()): Promise<string> {
    await ensureTables(this.client, { pats: tableName, audit: auditTableOf(tableName) });
    return tableName;
  }

  /** Every item of a workspace in a PAT table's audit table, oldest first, as stored. */
  async auditItems(tableName: string, workspaceId: string): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: auditTableOf(tableName),
          KeyConditionExpression: 'workspaceId = :w',
          ExpressionAttributeValues: { ':w': workspaceId },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
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

/** The audit table of a test's PAT table. */
export const auditTableOf = (tableName: string) => `${tableName}-audit`;

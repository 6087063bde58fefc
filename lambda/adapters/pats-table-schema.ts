import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The PAT table's shape: the one definition the CDK stack, the repository and the local store
 * all build from. Plain data only, so the Lambda bundle never pulls in CDK code.
 */
export const PATS_TABLE = {
  /** The table name used locally; a deployed table's name comes from CloudFormation. */
  defaultName: 'pats',
  partitionKey: { name: 'workspaceId', type: 'S' },
  sortKey: { name: 'id', type: 'S' },
} as const;

/**
 * The attributes a read may return. `tokenHash` is deliberately absent: the projection keeps it
 * out of the Lambda's memory altogether, not just out of the response.
 */
export const READABLE_PAT_ATTRIBUTES = [
  'workspaceId',
  'id',
  'name',
  'scopes',
  'tokenPrefix',
  'createdAt',
  'expiresAt',
  'lastUsedAt',
] as const;

/**
 * The projection of `READABLE_PAT_ATTRIBUTES`, for `GetItem` and `Query`. Every attribute goes
 * through a placeholder because `name` is a DynamoDB reserved word.
 */
export const READABLE_PAT_PROJECTION = {
  ProjectionExpression: READABLE_PAT_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(READABLE_PAT_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
} as const;

/**
 * The `CreateTable` request for a local DynamoDB-compatible store, built from the same key
 * definition the CDK stack uses. (On AWS the table comes from CloudFormation.)
 */
export function patsTableCreateInput(tableName: string = PATS_TABLE.defaultName): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: PATS_TABLE.partitionKey.name, AttributeType: PATS_TABLE.partitionKey.type },
      { AttributeName: PATS_TABLE.sortKey.name, AttributeType: PATS_TABLE.sortKey.type },
    ],
    KeySchema: [
      { AttributeName: PATS_TABLE.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: PATS_TABLE.sortKey.name, KeyType: 'RANGE' },
    ],
  };
}

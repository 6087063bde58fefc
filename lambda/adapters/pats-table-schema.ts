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

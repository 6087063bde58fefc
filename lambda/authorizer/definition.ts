import { PAT_ATTRIBUTES } from '../adapters/pats-table-schema';
import { AUTHORIZER_SETTINGS } from '../config/schema';
import type { FunctionDefinition } from '../routes/route';

/**
 * The credential authorizer's function (`PatAuthorizer`): not a route, but it runs before every
 * credential route and shares the reserved concurrency with them. It reads a PAT with its hash
 * (the one function that may) and writes nothing but `lastUsedAt`.
 */
export const AUTHORIZER_FUNCTION = {
  name: 'authorizer',
  summary: 'Credential authorizer: a PAT or a user JWT, for the routes outside /api/v1/pats',
  settings: AUTHORIZER_SETTINGS,
  table: [
    { actions: ['dynamodb:GetItem'], attributes: PAT_ATTRIBUTES, reads: true },
    { actions: ['dynamodb:UpdateItem'], attributes: ['workspaceId', 'id', 'lastUsedAt'] },
  ],
  concurrencyWeight: 24,
} as const satisfies FunctionDefinition;

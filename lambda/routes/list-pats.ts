import { listPats } from '../domain/list-pats';
import { queryOf } from '../http/request';
import { jsonResponse } from '../http/responses';
import { GRANTS, managementRoute, pageOf } from './management';

/** `GET /api/v1/pats?limit=&cursor=`: a page of the workspace's PATs, newest first. */
export const listPatsRoute = managementRoute({
  name: 'listPats',
  method: 'GET',
  path: '/api/v1/pats',
  summary: "GET /api/v1/pats: a workspace's PATs, newest first",
  table: [GRANTS.queryPats],
  concurrencyWeight: 14,
  samples: [{ status: 200, query: { limit: '20' } }],
  read: (event, { workspaceId }) => pageOf(queryOf(event, ['limit', 'cursor']), workspaceId, 'pats'),
  run: async ({ workspaceId, input }, deps) => ({
    response: jsonResponse(200, await listPats({ workspaceId, ...input }, deps)),
  }),
});

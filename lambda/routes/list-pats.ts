import { decodeCursor } from '../domain/cursor';
import { InvalidQueryError } from '../domain/errors';
import { listPats } from '../domain/list-pats';
import { queryOf } from '../http/request';
import { jsonResponse } from '../http/responses';
import { GRANTS, managementRoute } from './management';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `GET /api/v1/pats?limit=&cursor=`: a page of the workspace's PATs, newest first. */
export const listPatsRoute = managementRoute({
  name: 'listPats',
  method: 'GET',
  path: '/api/v1/pats',
  summary: "GET /api/v1/pats: a workspace's PATs, newest first",
  table: [GRANTS.queryPats],
  concurrencyWeight: 15,
  samples: [{ status: 200, query: { limit: '20' } }],
  read: (event, { workspaceId }) => {
    const query = queryOf(event, ['limit', 'cursor']);
    const limit = query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit);
    if (
      query.limit !== undefined &&
      !(/^\d{1,3}$/.test(query.limit) && limit >= 1 && limit <= MAX_PAGE_SIZE)
    ) {
      throw new InvalidQueryError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
    }
    // The cursor is request syntax (step 4): a cursor of another workspace is refused before the grant.
    const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, workspaceId);
    return { limit, afterId };
  },
  run: async ({ workspaceId, input }, deps) => ({
    response: jsonResponse(200, await listPats({ workspaceId, ...input }, deps)),
  }),
});

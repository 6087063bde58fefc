import { getPat } from '../domain/get-pat';
import { patIdOf } from '../http/request';
import { jsonResponse } from '../http/responses';
import { GRANTS, managementRoute } from './management';

/** `GET /api/v1/pats/{id}`: a PAT's metadata, never its token or hash. */
export const getPatRoute = managementRoute({
  name: 'getPat',
  method: 'GET',
  path: '/api/v1/pats/{id}',
  summary: "GET /api/v1/pats/{id}: a PAT's metadata for a user JWT",
  table: [GRANTS.readPat],
  concurrencyWeight: 24,
  samples: [
    { status: 200, pat: 'demo' },
    { status: 401, pat: 'demo', credential: 'pat' },
    { status: 403, pat: 'demo', workspace: 'other' },
    { status: 404, pat: 'missing' },
  ],
  read: (event, { trail }) => {
    const patId = patIdOf(event);
    trail.patId = patId;
    return patId;
  },
  run: async ({ workspaceId, input: patId }, deps) => ({
    response: jsonResponse(200, { data: await getPat({ workspaceId, patId }, deps) }),
  }),
});

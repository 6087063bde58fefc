import { createPat } from '../domain/create-pat';
import { readCreatePatRequest } from '../domain/pat-requests';
import { jsonBodyOf } from '../http/request';
import { jsonResponse } from '../http/responses';
import { GRANTS, MAX_BODY_BYTES, managementRoute, patLocation } from './management';

/** `POST /api/v1/pats`: a new PAT, its token shown in this response only. */
export const createPatRoute = managementRoute({
  name: 'createPat',
  method: 'POST',
  path: '/api/v1/pats',
  summary: 'POST /api/v1/pats: create a PAT, its token shown once',
  // One transaction: the PAT, the workspace's counter and the record; at the limit, the removal
  // of expired PATs (with theirs); a count not yet exact is taken from the PATs first.
  table: [
    GRANTS.putPat,
    GRANTS.countPats,
    GRANTS.readCount,
    GRANTS.queryExpired,
    GRANTS.deletePat,
    GRANTS.putRecord,
  ],
  body: 'required',
  concurrencyWeight: 5,
  samples: [{ status: 201, body: { name: 'CI deploy', scopes: ['read'] } }],
  read: (event, { deps }) =>
    readCreatePatRequest(
      jsonBodyOf(event, { maxBytes: MAX_BODY_BYTES, optional: false }),
      deps.policy,
      deps.clock.now(),
    ),
  run: async ({ principal, workspaceId, input }, deps) => {
    const { view, audit } = await createPat(
      { workspaceId, subject: principal.subject, request: input },
      deps,
    );
    return { response: jsonResponse(201, { data: view }, { location: patLocation(view.id) }), audit };
  },
});

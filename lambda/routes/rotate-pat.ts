import { readRotatePatRequest } from '../domain/pat-requests';
import { rotatePat } from '../domain/rotate-pat';
import { jsonBodyOf, patIdOf } from '../http/request';
import { jsonResponse } from '../http/responses';
import { GRANTS, MAX_BODY_BYTES, managementRoute, patLocation } from './management';

/** `POST /api/v1/pats/{id}/rotate`: a new PAT with the same name and scopes replaces the old one. */
export const rotatePatRoute = managementRoute({
  name: 'rotatePat',
  method: 'POST',
  path: '/api/v1/pats/{id}/rotate',
  summary: 'POST /api/v1/pats/{id}/rotate: replace a PAT by a new one',
  // Read the old PAT, then one transaction: put the new one, delete the old one, the record.
  table: [GRANTS.readPat, GRANTS.putPat, GRANTS.deletePat, GRANTS.putRecord],
  body: 'optional',
  concurrencyWeight: 5,
  samples: [
    { status: 201, pat: 'rotatable', body: {} },
    { status: 404, pat: 'missing' },
  ],
  read: (event, { trail, deps }) => {
    const patId = patIdOf(event);
    trail.patId = patId;
    const body = jsonBodyOf(event, { maxBytes: MAX_BODY_BYTES, optional: true });
    return { patId, request: readRotatePatRequest(body, deps.policy, deps.clock.now()) };
  },
  run: async ({ principal, workspaceId, input }, deps) => {
    const { view, audit } = await rotatePat(
      { workspaceId, patId: input.patId, subject: principal.subject, request: input.request },
      deps,
    );
    return { response: jsonResponse(201, { data: view }, { location: patLocation(view.id) }), audit };
  },
});

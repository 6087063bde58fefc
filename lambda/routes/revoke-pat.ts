import { revokePat } from '../domain/revoke-pat';
import { patIdOf } from '../http/request';
import { emptyResponse } from '../http/responses';
import { GRANTS, managementRoute } from './management';

/** `DELETE /api/v1/pats/{id}`: the PAT stops working and disappears. */
export const revokePatRoute = managementRoute({
  name: 'revokePat',
  method: 'DELETE',
  path: '/api/v1/pats/{id}',
  summary: 'DELETE /api/v1/pats/{id}: revoke a PAT',
  // Read first (the record names what was revoked), then one transaction: delete, free the slot,
  // the record; a count not yet exact is taken from the PATs first.
  table: [
    GRANTS.readPat,
    GRANTS.deletePat,
    GRANTS.countPats,
    GRANTS.readCount,
    GRANTS.queryPats,
    GRANTS.putRecord,
  ],
  concurrencyWeight: 5,
  samples: [
    { status: 204, pat: 'revocable' },
    { status: 404, pat: 'missing' },
  ],
  read: (event, { trail }) => {
    const patId = patIdOf(event);
    trail.patId = patId;
    return patId;
  },
  run: async ({ workspaceId, principal, input: patId }, deps) => {
    const { audit } = await revokePat({ workspaceId, patId, subject: principal.subject }, deps);
    return { response: emptyResponse(204), audit };
  },
});

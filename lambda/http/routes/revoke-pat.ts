import { revokePat } from '../../domain/revoke-pat';
import type { ManagementRoute } from '../pipeline';
import { patIdOf } from '../request';
import { emptyResponse } from '../responses';
import type { PatRouteDependencies } from './pat-routes';

/** `DELETE /api/v1/pats/{id}`: the PAT stops working and disappears. */
export const revokePatRoute: ManagementRoute<PatRouteDependencies, { patId: string }> = {
  name: 'revokePat',
  read: (event, { trail }) => {
    const patId = patIdOf(event);
    trail.patId = patId;
    return { patId };
  },
  run: async ({ workspaceId, input }, deps) => {
    const { audit } = await revokePat({ workspaceId, patId: input.patId }, deps);
    return { response: emptyResponse(204), audit };
  },
};

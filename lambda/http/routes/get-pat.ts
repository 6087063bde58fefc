import { getPat } from '../../domain/get-pat';
import type { ManagementRoute } from '../pipeline';
import { patIdOf } from '../request';
import { jsonResponse } from '../responses';
import type { PatRouteDependencies } from './pat-routes';

/** `GET /api/v1/pats/{id}`: the seed's endpoint. */
export const getPatRoute: ManagementRoute<PatRouteDependencies, { patId: string }> = {
  name: 'getPat',
  read: (event, { trail }) => {
    const patId = patIdOf(event);
    trail.patId = patId;
    return { patId };
  },
  run: async ({ workspaceId, input }, deps) => ({
    response: jsonResponse(200, { data: await getPat({ workspaceId, patId: input.patId }, deps) }),
  }),
};

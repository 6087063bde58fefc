import { type RotatePatRequest, readRotatePatRequest } from '../../domain/pat-requests';
import { rotatePat } from '../../domain/rotate-pat';
import type { ManagementRoute } from '../pipeline';
import { jsonBodyOf, patIdOf } from '../request';
import { jsonResponse } from '../responses';
import { MAX_BODY_BYTES, type PatRouteDependencies, patLocation } from './pat-routes';

/** `POST /api/v1/pats/{id}/rotate`: a new PAT with the same name and scopes replaces the old one. */
export const rotatePatRoute: ManagementRoute<
  PatRouteDependencies,
  { patId: string; request: RotatePatRequest }
> = {
  name: 'rotatePat',
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
};

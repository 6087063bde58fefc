import { createPat } from '../../domain/create-pat';
import { type CreatePatRequest, readCreatePatRequest } from '../../domain/pat-requests';
import type { ManagementRoute } from '../pipeline';
import { jsonBodyOf } from '../request';
import { jsonResponse } from '../responses';
import { MAX_BODY_BYTES, type PatRouteDependencies, patLocation } from './pat-routes';

/** `POST /api/v1/pats`: a new PAT, its token shown in this response only. */
export const createPatRoute: ManagementRoute<PatRouteDependencies, CreatePatRequest> = {
  name: 'createPat',
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
};

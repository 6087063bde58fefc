import { jsonResponse } from '../http/responses';
import { credentialRoute } from './route';

const list = (text: string) => text.split(' ').filter((item) => item !== '');

/**
 * `GET /api/v1/whoami`: who the credential is, from the authorizer's context alone (never the
 * table). The example of a route that accepts a PAT or a JWT, and a check for a token in CI.
 */
export const whoamiRoute = credentialRoute({
  name: 'whoami',
  method: 'GET',
  path: '/api/v1/whoami',
  summary: 'GET /api/v1/whoami: who the credential (a PAT or a JWT) is',
  scopes: [],
  table: [],
  concurrencyWeight: 16,
  samples: [
    { status: 200, label: 'pat', credential: 'pat' },
    { status: 200, label: 'jwt', credential: 'jwt' },
  ],
  run: async ({ credential }) => ({
    response: jsonResponse(200, {
      data:
        credential.tokenType === 'pat'
          ? {
              tokenType: 'pat',
              subject: credential.subject,
              workspaceId: credential.workspaceId,
              patId: credential.patId,
              name: credential.name,
              scopes: list(credential.scopes),
              expiresAt: credential.expiresAt,
            }
          : { tokenType: 'user', subject: credential.subject, workspaces: list(credential.workspaces) },
    }),
  }),
});

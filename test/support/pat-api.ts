import { randomUUID } from 'node:crypto';
import type { HttpResult } from '../../lambda/http/responses';
import type { PatRouteDependencies } from '../../lambda/routes/management';
import { ROUTES, type RouteName } from '../../lib/routes';
import {
  bodyOf,
  type Invoke,
  type RouteEventOptions,
  routeEvent,
  routeHandler,
  Sink,
  startBackends,
} from './harness';

export interface CreatedPat {
  id: string;
  workspaceId: string;
  name: string;
  scopes: string[];
  tokenPrefix: string;
  createdAt: string;
  expiresAt: string;
  token: string;
}

/**
 * Every management route's production handler over one table of the run's DynamoDB Local and a
 * real issuer, with a few shortcuts for the tests that drive them: a token for some workspaces, a
 * fresh workspace, a PAT created through `POST /api/v1/pats`. Every answer is checked against the
 * contract and the OpenAPI document (see `routeHandler`).
 */
export async function startPatApi(
  options: { env?: Record<string, string>; overrides?: Partial<PatRouteDependencies> } = {},
) {
  const backends = await startBackends();
  const sink = new Sink();
  const env = backends.env(options.env);
  const handlers = new Map<RouteName, Invoke>(
    ROUTES.map((route) => [
      route.name,
      routeHandler(route.name, env, { sink, overrides: options.overrides ?? {} }),
    ]),
  );
  const api = {
    ...backends,
    sink,
    /** A user JWT granting `workspaces`, signed by the issuer the functions trust. */
    token(workspaces: unknown, claims: Record<string, unknown> = {}): string {
      return backends.issuer.sign(backends.issuer.claims({ workspaces, ...claims }));
    },
    /**
     * A request to a route, as the given user: by default a member of `workspace`; `token:
     * undefined` sends no credentials.
     */
    call(name: RouteName, request: RouteEventOptions): Promise<HttpResult> {
      const handler = handlers.get(name);
      if (handler === undefined) throw new Error(`no route ${name}`);
      const token =
        'token' in request || request.workspace === undefined
          ? request.token
          : api.token([request.workspace]);
      return handler(routeEvent(name, { ...request, ...(token !== undefined ? { token } : {}) }));
    },
    /** Creates a PAT through the API and returns the 201's data (its token included). */
    async create(workspace: string, body: Record<string, unknown> = {}): Promise<CreatedPat> {
      const result = await api.call('createPat', {
        workspace,
        body: { name: 'CI deploy', scopes: ['read'], ...body },
      });
      if (result.statusCode !== 201) throw new Error(`create answered ${result.statusCode}: ${result.body}`);
      return bodyOf<{ data: CreatedPat }>(result).data;
    },
    newWorkspace: () => randomUUID(),
  };
  return api;
}

export type PatApi = Awaited<ReturnType<typeof startPatApi>>;

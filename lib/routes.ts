import {
  PAT_ATTRIBUTES,
  READABLE_PAT_ATTRIBUTES,
  WORKSPACE_COUNTER,
} from '../lambda/adapters/pats-table-schema';
import type { PatRouteEntry } from '../lambda/http/routes';

/**
 * The API's routes: the one table everything per route is built from — the CDK function of each
 * route and its IAM policy, its authorizer, the local gateway's routing, CORS methods and headers,
 * the sample events of `events/`, and the test that holds this table and `openapi/pats-api.yaml`
 * to the same routes. Plain data (no CDK imports), so the local API and the tests read it too.
 * Adding a route means: a use case, a line here, its tests.
 */
export type RouteName = 'getPat' | 'listPats' | 'createPat' | 'revokePat' | 'rotatePat';

export type DynamoDbAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem';

/**
 * Actions a function may call on the table. `attributes`, when given, limits the attributes the
 * actions may read or write (IAM's `dynamodb:Attributes`); for reads the request must then name
 * them (`dynamodb:Select` = `SPECIFIC_ATTRIBUTES`), so a reading function can never fetch
 * `tokenHash`, even by mistake.
 */
export interface TableGrant {
  readonly actions: readonly DynamoDbAction[];
  readonly attributes?: readonly string[];
  readonly reads?: boolean;
}

/** A sample event of `events/` for the route: `<route>-<status>.json`. */
export interface SampleDefinition {
  /** What the sample shows, for the README and `npm run events`. */
  readonly status: number;
  /** The PAT the path names: the demo PAT, one that does not exist, or a demo PAT kept for this sample. */
  readonly pat?: 'demo' | 'missing' | 'revocable' | 'rotatable';
  readonly workspace?: 'demo' | 'other';
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** `pat`: the Authorization header holds a PAT, which a management route refuses (401). */
  readonly credential?: 'jwt' | 'pat';
}

export interface RouteDefinition {
  readonly name: RouteName;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** API Gateway's `{param}` syntax. */
  readonly path: string;
  /** The function's description. */
  readonly summary: string;
  /**
   * The handler module, `lambda/handlers/<entry>.ts`, exporting `handler`; its HTTP binding is
   * `lambda/http/routes/<entry>.ts` (listed in `PAT_ROUTES`).
   */
  readonly entry: PatRouteEntry;
  /** `jwt`: API Gateway's JWT authorizer, and the function verifies the JWT again. */
  readonly authorizer: 'jwt';
  readonly table: readonly TableGrant[];
  /** Whether the route reads a JSON body (CORS then allows `Content-Type`). */
  readonly body: 'none' | 'required' | 'optional';
  /** Its share of the stage's reserved concurrency, in percent. */
  readonly concurrencyShare: number;
  readonly samples: readonly SampleDefinition[];
}

const readPats: TableGrant = {
  actions: ['dynamodb:GetItem'],
  attributes: READABLE_PAT_ATTRIBUTES,
  reads: true,
};
const counterAttributes = ['workspaceId', 'id', WORKSPACE_COUNTER.countAttribute];

export const ROUTES: readonly RouteDefinition[] = [
  {
    name: 'listPats',
    method: 'GET',
    path: '/api/v1/pats',
    summary: "GET /api/v1/pats: a workspace's PATs, newest first",
    entry: 'list-pats',
    authorizer: 'jwt',
    table: [{ actions: ['dynamodb:Query'], attributes: READABLE_PAT_ATTRIBUTES, reads: true }],
    body: 'none',
    concurrencyShare: 15,
    samples: [{ status: 200, query: { limit: '20' } }],
  },
  {
    name: 'createPat',
    method: 'POST',
    path: '/api/v1/pats',
    summary: 'POST /api/v1/pats: create a PAT, its token shown once',
    entry: 'create-pat',
    authorizer: 'jwt',
    // One transaction: the PAT itself, and the workspace's counter that keeps the limit exact.
    table: [
      { actions: ['dynamodb:PutItem'], attributes: PAT_ATTRIBUTES },
      { actions: ['dynamodb:UpdateItem'], attributes: counterAttributes },
    ],
    body: 'required',
    concurrencyShare: 5,
    samples: [{ status: 201, body: { name: 'CI deploy', scopes: ['read'] } }],
  },
  {
    name: 'getPat',
    method: 'GET',
    path: '/api/v1/pats/{id}',
    summary: "GET /api/v1/pats/{id}: a PAT's metadata for a user JWT",
    entry: 'get-pat',
    authorizer: 'jwt',
    table: [readPats],
    body: 'none',
    concurrencyShare: 25,
    samples: [
      { status: 200, pat: 'demo' },
      { status: 401, pat: 'demo', credential: 'pat' },
      { status: 403, pat: 'demo', workspace: 'other' },
      { status: 404, pat: 'missing' },
    ],
  },
  {
    name: 'revokePat',
    method: 'DELETE',
    path: '/api/v1/pats/{id}',
    summary: 'DELETE /api/v1/pats/{id}: revoke a PAT',
    entry: 'revoke-pat',
    authorizer: 'jwt',
    // Read first (the audit line names what was revoked), then one transaction: delete, free the slot.
    table: [
      readPats,
      { actions: ['dynamodb:DeleteItem'] },
      { actions: ['dynamodb:UpdateItem'], attributes: counterAttributes },
    ],
    body: 'none',
    concurrencyShare: 5,
    samples: [{ status: 204, pat: 'revocable' }],
  },
  {
    name: 'rotatePat',
    method: 'POST',
    path: '/api/v1/pats/{id}/rotate',
    summary: 'POST /api/v1/pats/{id}/rotate: replace a PAT by a new one',
    entry: 'rotate-pat',
    authorizer: 'jwt',
    // Read the old PAT, then one transaction: put the new one, delete the old one.
    table: [
      readPats,
      { actions: ['dynamodb:PutItem'], attributes: PAT_ATTRIBUTES },
      { actions: ['dynamodb:DeleteItem'] },
    ],
    body: 'optional',
    concurrencyShare: 5,
    samples: [{ status: 201, pat: 'rotatable', body: {} }],
  },
];

/** `GET /api/v1/pats/{id}` in API Gateway's route key syntax. */
export const routeKey = (route: Pick<RouteDefinition, 'method' | 'path'>) => `${route.method} ${route.path}`;

export function routeNamed(name: RouteName): RouteDefinition {
  const route = ROUTES.find((candidate) => candidate.name === name);
  if (route === undefined) throw new Error(`no route ${name}`);
  return route;
}

/** The methods the routes use, for CORS (the stack's and the local gateway's). */
export function corsMethods(routes: readonly RouteDefinition[]): Array<RouteDefinition['method']> {
  return [...new Set(routes.map((route) => route.method))];
}

/** The request headers the routes read, for CORS: `Content-Type` only where a route takes a body. */
export function corsHeaders(routes: readonly RouteDefinition[]): string[] {
  return [
    'authorization',
    'x-workspace-id',
    ...(routes.some((route) => route.body !== 'none') ? ['content-type'] : []),
  ];
}

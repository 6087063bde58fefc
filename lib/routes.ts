import {
  PAT_ATTRIBUTES,
  READABLE_PAT_ATTRIBUTES,
  WORKSPACE_COUNTER,
} from '../lambda/adapters/pats-table-schema';
import type { RouteEntry } from '../lambda/http/routes';

/**
 * The API's routes: the one table everything per route is built from — the CDK function of each
 * route and its IAM policy, its authorizer, the local gateway's routing, CORS methods and headers,
 * the sample events of `events/`, and the test that holds this table and `openapi/pats-api.yaml`
 * to the same routes. Plain data (no CDK imports), so the local API and the tests read it too.
 * Adding a route means: a use case, a line here, its tests.
 */
export type RouteName = 'getPat' | 'listPats' | 'createPat' | 'revokePat' | 'rotatePat' | 'whoami';

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

/** A sample event of `events/` for the route: `<entry>-<status>[-<label>].json`. */
export interface SampleDefinition {
  /** The status the route answers the sample with. */
  readonly status: number;
  /** Tells two samples of one status apart. */
  readonly label?: string;
  /** The PAT the path names: the demo PAT, one that does not exist, or a demo PAT kept for this sample. */
  readonly pat?: 'demo' | 'missing' | 'revocable' | 'rotatable';
  readonly workspace?: 'demo' | 'other';
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /**
   * `pat`: the Authorization header holds a PAT, which a management route refuses (401); on a
   * route behind the credential authorizer, the event carries the context the authorizer gives a
   * PAT. `jwt` (the default): a user JWT and what API Gateway's authorizer or ours gives it.
   */
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
   * `lambda/http/routes/<entry>.ts` (listed in `ROUTE_BINDINGS`).
   */
  readonly entry: RouteEntry;
  /**
   * `jwt`: API Gateway's JWT authorizer, and the function verifies the JWT again (the management
   * routes). `credential`: the credential authorizer, which accepts a PAT or a JWT, and hands the
   * function what it verified.
   */
  readonly authorizer: 'jwt' | 'credential';
  /**
   * The PAT scopes the route needs (credential routes only): a PAT lacking one is refused (403).
   * A JWT acts as its user and is not limited by PAT scopes.
   * @default [] - any valid PAT
   */
  readonly scopes?: readonly string[];
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
  {
    name: 'whoami',
    method: 'GET',
    path: '/api/v1/whoami',
    summary: 'GET /api/v1/whoami: who the credential (a PAT or a JWT) is',
    entry: 'whoami',
    authorizer: 'credential',
    scopes: [],
    // It reads the authorizer's context only: no table.
    table: [],
    body: 'none',
    concurrencyShare: 20,
    samples: [
      { status: 200, label: 'pat', credential: 'pat' },
      { status: 200, label: 'jwt', credential: 'jwt' },
    ],
  },
];

/**
 * The credential authorizer's function (`lambda/handlers/authorizer.ts`, `PatAuthorizer`): not a
 * route, but it runs before every credential route and shares the reserved concurrency with them.
 * It reads a PAT with its hash (the one function that may) and writes nothing but `lastUsedAt`.
 */
export const AUTHORIZER = {
  entry: 'authorizer',
  summary: 'Credential authorizer: a PAT or a user JWT, for the routes outside /api/v1/pats',
  table: [
    { actions: ['dynamodb:GetItem'], attributes: PAT_ATTRIBUTES, reads: true },
    { actions: ['dynamodb:UpdateItem'], attributes: ['workspaceId', 'id', 'lastUsedAt'] },
  ] satisfies readonly TableGrant[] as readonly TableGrant[],
  concurrencyShare: 25,
} as const;

/** The PAT scopes of every route behind the credential authorizer, by route key (its ROUTE_SCOPES). */
export function routeScopes(routes: readonly RouteDefinition[]): Record<string, readonly string[]> {
  return Object.fromEntries(
    routes
      .filter((route) => route.authorizer === 'credential')
      .map((route) => [routeKey(route), route.scopes ?? []]),
  );
}

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

/** The file name of a sample event in `events/`, without `.json`. */
export const sampleName = (route: Pick<RouteDefinition, 'entry'>, sample: SampleDefinition) =>
  `${route.entry}-${sample.status}${sample.label !== undefined ? `-${sample.label}` : ''}`;

import { AUTHORIZER_FUNCTION } from '../lambda/authorizer/definition';
import { EXPIRY_JOB_FUNCTION } from '../lambda/expiry-job/definition';
import { PUBLISHER_FUNCTION } from '../lambda/publisher/definition';
import { auditLogRoute } from '../lambda/routes/audit-log';
import { createPatRoute } from '../lambda/routes/create-pat';
import { getPatRoute } from '../lambda/routes/get-pat';
import { listPatsRoute } from '../lambda/routes/list-pats';
import { revokePatRoute } from '../lambda/routes/revoke-pat';
import { rotatePatRoute } from '../lambda/routes/rotate-pat';
import {
  entryOf,
  type FunctionDefinition,
  type RouteDefinition,
  routeKey,
  type SampleDefinition,
} from '../lambda/routes/route';
import { whoamiRoute } from '../lambda/routes/whoami';

export type { FunctionDefinition, RouteDefinition, SampleDefinition };
export { entryOf, routeKey };

/**
 * The route table: one module per route (`lambda/routes/`), each its definition beside its
 * binding. Everything per route is built from this list: the function and its IAM policy, its
 * authorizer, the local gateway's routing, CORS, the sample events, the benchmarks' cold starts
 * and the test that holds it and `openapi/pats-api.yaml` to the same routes.
 */
export const ROUTES = [
  listPatsRoute,
  createPatRoute,
  getPatRoute,
  revokePatRoute,
  rotatePatRoute,
  auditLogRoute,
  whoamiRoute,
] as const;

export type RouteName = (typeof ROUTES)[number]['name'];
export type AnyRoute = (typeof ROUTES)[number];

/** Every function of the stack: the routes', the credential authorizer's, the publisher's and the job's. */
export const FUNCTIONS: readonly FunctionDefinition[] = [
  ...ROUTES,
  AUTHORIZER_FUNCTION,
  PUBLISHER_FUNCTION,
  EXPIRY_JOB_FUNCTION,
];

/** The construct id of a function: `GetPat`, or `AuthorizerHandler` for the authorizer (as deployed). */
export const constructIdOf = (fn: Pick<FunctionDefinition, 'name'>) =>
  fn.name === AUTHORIZER_FUNCTION.name
    ? 'AuthorizerHandler'
    : `${fn.name.charAt(0).toUpperCase()}${fn.name.slice(1)}`;

export function routeNamed<Name extends RouteName>(name: Name): Extract<AnyRoute, { name: Name }> {
  const route = ROUTES.find(
    (candidate): candidate is Extract<AnyRoute, { name: Name }> => candidate.name === name,
  );
  if (route === undefined) throw new Error(`no route ${name}`);
  return route;
}

/** The PAT scopes of every route behind the credential authorizer, by route key (its `routeScopes`). */
export function routeScopes(routes: readonly RouteDefinition[]): Record<string, readonly string[]> {
  return Object.fromEntries(
    routes
      .filter((route) => route.authorizer === 'credential')
      .map((route) => [routeKey(route), route.scopes ?? []]),
  );
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
export const sampleName = (route: Pick<RouteDefinition, 'name'>, sample: SampleDefinition) =>
  `${entryOf(route)}-${sample.status}${sample.label !== undefined ? `-${sample.label}` : ''}`;

/**
 * Each function's reserved concurrency, by name: `total` shared out by weight, so the shares add
 * up to `total` however many functions there are, but at least 1 each (a reservation is also a
 * ceiling: none may be left with 0). Units left over by rounding down go to the largest remainders.
 */
export function reservedConcurrencies(
  total: number | undefined,
  functions: readonly FunctionDefinition[] = FUNCTIONS,
): ReadonlyMap<string, number | undefined> {
  if (total === undefined) return new Map(functions.map((fn) => [fn.name, undefined]));
  const weights = functions.reduce((sum, fn) => sum + fn.concurrencyWeight, 0);
  const exact = functions.map((fn) => (total * fn.concurrencyWeight) / weights);
  const shares = exact.map((share) => Math.max(1, Math.floor(share)));
  let left = total - shares.reduce((sum, share) => sum + share, 0);
  const byRemainder = exact
    .map((share, index) => ({ index, remainder: share - Math.floor(share) }))
    .sort((a, b) => b.remainder - a.remainder);
  for (const { index } of byRemainder) {
    if (left <= 0) break;
    shares[index] = (shares[index] ?? 0) + 1;
    left -= 1;
  }
  return new Map(functions.map((fn, index) => [fn.name, shares[index]]));
}

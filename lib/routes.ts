/**
 * The API's routes: the one table both the CDK stack and the local API build from, so the two can
 * never serve different paths. Paths use API Gateway's `{param}` syntax.
 */
export interface RouteDefinition {
  readonly method: 'GET';
  readonly path: string;
  /** The handler serving the route (a key of the stack's function map). */
  readonly handler: 'getPat';
  /** Whether the JWT authorizer protects the route. */
  readonly authorized: boolean;
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'GET', path: '/api/v1/pats/{id}', handler: 'getPat', authorized: true },
];

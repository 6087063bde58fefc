import {
  type CredentialRoute,
  credentialHandler,
  type HttpDependencies,
  type ManagementRoute,
  managementHandler,
} from '../pipeline';
import { createPatRoute } from './create-pat';
import { getPatRoute } from './get-pat';
import { listPatsRoute } from './list-pats';
import type { PatRouteDependencies } from './pat-routes';
import { revokePatRoute } from './revoke-pat';
import { rotatePatRoute } from './rotate-pat';
import { whoamiRoute } from './whoami';

/** A management route whose input type no longer matters: its `read` always feeds its own `run`. */
type AnyPatRoute = ManagementRoute<PatRouteDependencies, unknown>;
const management = <Input>(route: ManagementRoute<PatRouteDependencies, Input>) =>
  ({ kind: 'management', route: route as unknown as AnyPatRoute }) as const;
const credential = (route: CredentialRoute<HttpDependencies>) => ({ kind: 'credential', route }) as const;

/**
 * Every route's HTTP binding, by the name of its handler module (`entry` in `lib/routes.ts`): the
 * local API, the tests and the benchmarks build each route's handler from here, exactly as
 * `lambda/handlers/<entry>.ts` does in Lambda.
 */
export const ROUTE_BINDINGS = {
  'list-pats': management(listPatsRoute),
  'create-pat': management(createPatRoute),
  'get-pat': management(getPatRoute),
  'revoke-pat': management(revokePatRoute),
  'rotate-pat': management(rotatePatRoute),
  whoami: credential(whoamiRoute),
} as const;

export type RouteEntry = keyof typeof ROUTE_BINDINGS;

/** A route's handler over the given dependencies (a superset serves every kind of route). */
export function handlerFor(entry: RouteEntry, deps: PatRouteDependencies) {
  const binding = ROUTE_BINDINGS[entry];
  return binding.kind === 'management'
    ? managementHandler(binding.route, deps)
    : credentialHandler(binding.route, deps);
}

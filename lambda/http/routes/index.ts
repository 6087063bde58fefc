import type { ManagementRoute } from '../pipeline';
import { createPatRoute } from './create-pat';
import { getPatRoute } from './get-pat';
import { listPatsRoute } from './list-pats';
import type { PatRouteDependencies } from './pat-routes';
import { revokePatRoute } from './revoke-pat';
import { rotatePatRoute } from './rotate-pat';

/** A route whose input type no longer matters: its `read` always feeds its own `run`. */
type AnyPatRoute = ManagementRoute<PatRouteDependencies, unknown>;
const erase = <Input>(route: ManagementRoute<PatRouteDependencies, Input>) => route as unknown as AnyPatRoute;

/**
 * Every management route's HTTP binding, by the name of its handler module (`entry` in
 * `lib/routes.ts`): the local API and the tests build each route's handler from here, exactly as
 * `lambda/handlers/<entry>.ts` does in Lambda.
 */
export const PAT_ROUTES = {
  'list-pats': erase(listPatsRoute),
  'create-pat': erase(createPatRoute),
  'get-pat': erase(getPatRoute),
  'revoke-pat': erase(revokePatRoute),
  'rotate-pat': erase(rotatePatRoute),
} as const satisfies Record<string, AnyPatRoute>;

export type PatRouteEntry = keyof typeof PAT_ROUTES;

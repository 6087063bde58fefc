import { loadConfig } from '../config';
import { patRouteDependencies } from '../dependencies';
import { managementHandler } from '../http/pipeline';
import { revokePatRoute } from '../http/routes/revoke-pat';

// Runs once, at init: a bad configuration fails the cold start with a message naming the variable,
// and the clients, key cache and verifier are shared by every invocation.
export const handler = managementHandler(revokePatRoute, patRouteDependencies(loadConfig()));

import { loadConfig } from '../config';
import { patRouteDependencies } from '../dependencies';
import { managementHandler } from '../http/pipeline';
import { createPatRoute } from '../http/routes/create-pat';

// Runs once, at init: a bad configuration fails the cold start with a message naming the variable,
// and the clients, key cache and verifier are shared by every invocation.
export const handler = managementHandler(createPatRoute, patRouteDependencies(loadConfig()));

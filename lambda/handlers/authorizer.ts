import { createAuthorizerHandler } from '../authorizer/handler';
import { loadConfig } from '../config';
import { authorizerDependencies } from '../dependencies';

// Runs once, at init: a bad configuration fails the cold start with a message naming the variable,
// and the clients, key cache and verifier are shared by every invocation.
export const handler = createAuthorizerHandler(authorizerDependencies(loadConfig()));

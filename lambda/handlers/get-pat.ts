import { loadConfig } from '../config';
import { createDependencies } from '../dependencies';
import { createGetPatHandler } from '../http/get-pat-handler';

// Everything here runs once, at init: a bad configuration fails the cold start with a message
// naming the variable, and the clients, key cache and verifier are shared by every invocation.
export const handler = createGetPatHandler(createDependencies(loadConfig()));

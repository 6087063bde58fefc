import { loadHttpConfig } from '../config';
import { httpDependencies } from '../http/observability';
import { credentialHandler } from '../http/pipeline';
import { whoamiRoute } from '../http/routes/whoami';

// It reads only the authorizer's context: no table, no issuer, only the log level to configure.
export const handler = credentialHandler(whoamiRoute, httpDependencies(loadHttpConfig()));

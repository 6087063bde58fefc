import { createAuthorizerHandler } from '../lambda/authorizer/handler';
import { type Config, ConfigurationError, loadConfig } from '../lambda/config';
import { authorizerDependencies, patRouteDependencies } from '../lambda/dependencies';
import { handlerFor } from '../lambda/http/routes';
import type { PatRouteDependencies } from '../lambda/http/routes/pat-routes';
import { ROUTES, type RouteName, routeScopes } from '../lib/routes';
import { localDynamoDbClient } from './aws-payloads';
import { lockDataDir } from './data-dir-lock';
import { DEMO, demoPatFile, readDemoPat, saveDemoPat, seedDemo } from './demo';
import { DevIssuer, loadOrCreateDevKey } from './dev-issuer';
import { demoToken as makeDemoToken } from './dev-token';
import { ensurePatsTable, startEmbeddedStore } from './embedded-store';
import { GatewayCredentialAuthorizer } from './gateway/credential-authorizer';
import { GatewayJwtAuthorizer } from './gateway/jwt-authorizer';
import { createGateway, type LambdaHandler } from './gateway/server';
import { assertPortFree, listenAll, PortInUseError } from './listen';
import { type LocalConfig, LocalConfigError, loadLocalConfig } from './local-config';
import { JavaUnavailableError } from './store/dynamodb-local';

export interface RunningLocalApi {
  readonly url: string;
  readonly dynamoDbEndpoint: string;
  readonly issuer: string;
  /** A fresh dev token for the demo user and workspace (absent with an external issuer). */
  readonly demoToken: string | undefined;
  /** The demo PAT's token (kept in the data folder), unless the workspace limit left no room for it. */
  readonly demoPatToken: string | undefined;
  /** The configuration the functions were given. */
  readonly functionConfig: Config;
  close(): Promise<void>;
}

/** Every route's handler, built the way each route's Lambda builds it, around one set of dependencies. */
export function routeHandlers(deps: PatRouteDependencies): Record<RouteName, LambdaHandler> {
  const handlers: Partial<Record<RouteName, LambdaHandler>> = {};
  for (const route of ROUTES) {
    handlers[route.name] = handlerFor(route.entry, deps) as unknown as LambdaHandler;
  }
  return handlers as Record<RouteName, LambdaHandler>;
}

/**
 * `npm start`: the embedded store (or DYNAMODB_ENDPOINT), the dev issuer (or JWT_ISSUER), the demo
 * data, and the gateway in front of the very handlers the Lambdas run, configured by the functions'
 * own `loadConfig` from the environment the Lambdas would get.
 */
export async function startLocalApi(
  config: LocalConfig,
  log: (line: string) => void,
): Promise<RunningLocalApi> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    await assertPortFree(config.port, config.bindHosts, 'PORT');
    if (config.dynamoDbEndpoint === undefined)
      await assertPortFree(config.dynamoDbPort, config.bindHosts, 'DYNAMODB_PORT');
    if (config.external === undefined)
      await assertPortFree(config.devIssuerPort, config.bindHosts, 'DEV_ISSUER_PORT');

    let dynamoDbEndpoint = config.dynamoDbEndpoint;
    if (dynamoDbEndpoint === undefined) {
      if (!config.inMemory) {
        const unlock = lockDataDir(config.dataDir);
        closers.push(async () => unlock());
      }
      const store = await startEmbeddedStore({
        port: config.dynamoDbPort,
        hosts: config.bindHosts,
        dataDir: config.dataDir,
        inMemory: config.inMemory,
      });
      closers.push(store.close);
      dynamoDbEndpoint = store.endpoint;
    }
    const admin = localDynamoDbClient(dynamoDbEndpoint);
    closers.push(async () => admin.destroy());
    await ensurePatsTable(admin, config.tableName);

    let issuer = config.external?.issuer;
    let demoToken: string | undefined;
    if (config.external === undefined) {
      const key = loadOrCreateDevKey(config.dataDir);
      const devIssuer = await DevIssuer.start({
        keys: [key],
        port: config.devIssuerPort,
        bindHosts: config.bindHosts,
      });
      closers.push(() => devIssuer.stop());
      issuer = devIssuer.url;
      demoToken = makeDemoToken(key, config, issuer);
    }
    if (issuer === undefined) throw new LocalConfigError('no issuer');

    const functionEnv = {
      ...config.env,
      TABLE_NAME: config.tableName,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: config.audience,
      JWKS_URI: config.external?.jwksUri,
      WORKSPACE_CLAIM: config.workspaceClaim,
      DYNAMODB_ENDPOINT: dynamoDbEndpoint,
      AWS_REGION: config.env.AWS_REGION ?? 'us-east-1',
    };
    const functionConfig = loadConfig(functionEnv);
    const deps = patRouteDependencies(functionConfig);
    // The authorizer Lambda's configuration: the route scopes the stack hands it.
    const authorizerDeps = authorizerDependencies(
      loadConfig({ ...functionEnv, ROUTE_SCOPES: JSON.stringify(routeScopes(ROUTES)) }),
    );
    const demoPatToken = await seedDemo(deps, {
      credentials: authorizerDeps.credentials,
      savedToken: readDemoPat(config.dataDir),
    });
    if (demoPatToken !== undefined) saveDemoPat(config.dataDir, demoPatToken);

    const gatewayOptions = {
      routes: ROUTES,
      handlers: routeHandlers(deps),
      jwtAuthorizer: new GatewayJwtAuthorizer(functionConfig),
      credentialAuthorizer: new GatewayCredentialAuthorizer(
        createAuthorizerHandler(authorizerDeps),
        config.authorizerCacheSeconds,
      ),
      corsAllowedOrigins: config.corsAllowedOrigins,
      log,
    };
    const gateway = await listenAll(
      () => createGateway(gatewayOptions),
      config.port,
      config.bindHosts,
      'PORT',
    );
    closers.push(gateway.close);
    const url = `http://localhost:${gateway.port}`;
    return { url, dynamoDbEndpoint, issuer, demoToken, demoPatToken, functionConfig, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * What `npm start` prints: where everything listens, then commands that work as pasted into a
 * shell. The dev JWT and the demo PAT are long, so each is set once as a shell variable and the
 * commands use the variable.
 */
function banner(api: RunningLocalApi, config: LocalConfig): string {
  const auth = '-H "Authorization: Bearer $TOKEN" -H "X-Workspace-Id: $WS"';
  const lines = [
    '',
    `PATs API listening on ${api.url}`,
    `  DynamoDB:        ${api.dynamoDbEndpoint} (table ${config.tableName}${config.inMemory ? ', in memory' : ''})`,
    `  Issuer:          ${api.issuer}${config.external === undefined ? ' (dev issuer)' : ''}`,
    `  Demo workspace:  ${DEMO.workspaceId}`,
    `  Demo PAT id:     ${DEMO.patId}`,
  ];
  if (api.demoPatToken !== undefined) {
    lines.push(
      `  Demo PAT:        scopes ${api.functionConfig.patPolicy.scopes.join(' ')}; its token is saved in ${demoPatFile(config.dataDir)}`,
    );
  }
  lines.push('', 'Try it (paste into a shell):');
  if (api.demoToken !== undefined)
    lines.push(`  TOKEN=${api.demoToken}   # dev user JWT, 12 h, demo workspace`);
  else lines.push('  TOKEN=<a JWT from your issuer for the demo workspace>');
  if (api.demoPatToken !== undefined) lines.push(`  PAT=${api.demoPatToken}   # the demo PAT`);
  lines.push(
    `  WS=${DEMO.workspaceId}`,
    `  curl -s ${auth} ${api.url}/api/v1/pats/${DEMO.patId}`,
    `  curl -s ${auth} ${api.url}/api/v1/pats`,
    `  curl -s ${auth} -H "Content-Type: application/json" -d '{"name":"ci","scopes":["read"]}' ${api.url}/api/v1/pats`,
  );
  if (api.demoPatToken !== undefined) {
    lines.push(
      `  curl -s -H "Authorization: Bearer $PAT" ${api.url}/api/v1/whoami`,
      `  (a revoked PAT keeps working on whoami for AUTHORIZER_CACHE_SECONDS=${config.authorizerCacheSeconds}, as behind API Gateway)`,
    );
  }
  lines.push(
    '',
    'More: npm run token -- --sub <user> --workspaces <uuid>   |   npm run pat -- create --workspace <uuid> --name <name> --scopes read',
    'Stop with Ctrl-C.',
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const config = loadLocalConfig(process.env, process.argv.slice(2));
  const api = await startLocalApi(config, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(banner(api, config));
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // Problems the user can fix get one line; anything else its message, never a stack trace.
    const known =
      error instanceof PortInUseError ||
      error instanceof JavaUnavailableError ||
      error instanceof LocalConfigError ||
      error instanceof ConfigurationError;
    process.stderr.write(
      `npm start: ${known ? (error as Error).message : `could not start: ${(error as Error).message}`}\n`,
    );
    process.exit(1);
  });
}

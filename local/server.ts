import { authorizerDependencies } from '../lambda/authorizer/dependencies';
import { createAuthorizerHandler } from '../lambda/authorizer/handler';
import { ConfigurationError, loadConfig } from '../lambda/config';
import { FUNCTION_SETTINGS, GATEWAY } from '../lambda/config/schema';
import { patRouteDependencies } from '../lambda/dependencies';
import { handlerFor } from '../lambda/http/pipeline';
import { ROUTES, routeScopes } from '../lib/routes';
import { localDynamoDbClient } from './aws-payloads';
import { lockDataDir } from './data-dir-lock';
import { DEMO, demoPatFile, readDemoPat, saveDemoPat, seedDemo } from './demo';
import { DevIssuer, loadOrCreateDevKey } from './dev-issuer';
import { demoToken as makeDemoToken } from './dev-token';
import { ensureTables, startEmbeddedStore } from './embedded-store';
import { eventsFileOf, type RunningLifecycle, startLifecycle, startLocalBus } from './events/lifecycle';
import { GatewayCredentialAuthorizer } from './gateway/credential-authorizer';
import { GatewayJwtAuthorizer } from './gateway/jwt-authorizer';
import { createGateway } from './gateway/server';
import { assertPortFree, listenAll, PortInUseError } from './listen';
import {
  type FunctionConfig,
  LOCAL,
  type LocalConfig,
  LocalConfigError,
  loadLocalConfig,
} from './local-config';
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
  readonly functionConfig: FunctionConfig;
  /** Where the publisher sends events: `npm start`'s local bus, or the one it was given. */
  readonly eventBusEndpoint: string;
  /** Where the local bus appends every event (when `npm start` runs the bus). */
  readonly eventsFile: string | undefined;
  /** The publisher over the stream, and the expiry job. */
  readonly lifecycle: RunningLifecycle;
  close(): Promise<void>;
}

/**
 * `npm start`: the embedded store (or the functions' DynamoDB endpoint), the dev issuer (or their issuer), the demo
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
    const names = LOCAL.settings;
    await assertPortFree(config.port, config.bindHosts, names.port.env);
    if (!config.externalStore)
      await assertPortFree(config.dynamoDbPort, config.bindHosts, names.dynamoDbPort.env);
    if (!config.externalIssuer)
      await assertPortFree(config.devIssuerPort, config.bindHosts, names.devIssuerPort.env);
    if (!config.externalBus)
      await assertPortFree(config.eventBusPort, config.bindHosts, names.eventBusPort.env);

    // An outside store is the functions' own endpoint; else the embedded one, once it listens.
    let dynamoDbEndpoint = config.externalStore ? config.functions.dynamoDb.endpoint : undefined;
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
    await ensureTables(admin, { pats: config.functions.table.name, audit: config.functions.audit.tableName });

    // The publisher's bus: the one it is given, else `npm start`'s own.
    let eventBusEndpoint = config.externalBus ? config.functions.events.endpoint : undefined;
    if (eventBusEndpoint === undefined) {
      const bus = await startLocalBus({
        busName: config.functions.events.busName,
        dataDir: config.dataDir,
        port: config.eventBusPort,
        hosts: config.bindHosts,
        variable: names.eventBusPort.env,
        log,
      });
      closers.push(bus.close);
      eventBusEndpoint = bus.endpoint;
    }

    let issuer = config.functions.jwt.issuer;
    let demoToken: string | undefined;
    if (!config.externalIssuer) {
      const key = loadOrCreateDevKey(config.dataDir);
      const devIssuer = await DevIssuer.start({
        keys: [key],
        port: config.devIssuerPort,
        bindHosts: config.bindHosts,
      });
      closers.push(() => devIssuer.stop());
      issuer = devIssuer.url;
      demoToken = makeDemoToken(key, config.functions.jwt, issuer);
    }

    const env = config.functionEnv({ issuer, dynamoDbEndpoint, eventBusEndpoint });
    const functionConfig = loadConfig(FUNCTION_SETTINGS, env);
    const deps = patRouteDependencies(functionConfig);
    // The authorizer gets the route scopes the stack hands it.
    const authorizerDeps = authorizerDependencies({
      ...functionConfig,
      authorizer: { ...functionConfig.authorizer, routeScopes: routeScopes(ROUTES) },
    });
    const demoPatToken = await seedDemo(deps, {
      credentials: authorizerDeps.credentials,
      savedToken: readDemoPat(config.dataDir),
    });
    if (demoPatToken !== undefined) saveDemoPat(config.dataDir, demoPatToken);

    const lifecycle = await startLifecycle({
      env,
      dynamoDbEndpoint,
      dataDir: config.dataDir,
      inMemory: config.inMemory,
      expiryJobIntervalSeconds: config.expiryJobIntervalSeconds,
      log,
    });
    closers.push(lifecycle.close);
    void lifecycle.runExpiryJob();

    const gatewayOptions = {
      routes: ROUTES,
      handlerOf: (route: (typeof ROUTES)[number]) => handlerFor(route, deps),
      jwtAuthorizer: new GatewayJwtAuthorizer(functionConfig),
      credentialAuthorizer: new GatewayCredentialAuthorizer(
        createAuthorizerHandler(authorizerDeps),
        config.gateway.authorizerCacheSeconds,
      ),
      corsAllowedOrigins: config.gateway.corsAllowedOrigins,
      listenAddresses: config.bindHosts,
      log,
    };
    const gateway = await listenAll(
      () => createGateway(gatewayOptions),
      config.port,
      config.bindHosts,
      names.port.env,
    );
    closers.push(gateway.close);
    const url = `http://localhost:${gateway.port}`;
    return {
      url,
      dynamoDbEndpoint,
      issuer,
      demoToken,
      demoPatToken,
      functionConfig,
      eventBusEndpoint,
      eventsFile: config.externalBus ? undefined : eventsFileOf(config.dataDir),
      lifecycle,
      close,
    };
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
    `  DynamoDB:        ${api.dynamoDbEndpoint} (table ${api.functionConfig.table.name}${config.inMemory ? ', in memory' : ''})`,
    `  Issuer:          ${api.issuer}${config.externalIssuer ? '' : ' (dev issuer)'}`,
    `  Events:          ${api.eventsFile !== undefined ? `appended to ${api.eventsFile} and printed below (local bus ${api.eventBusEndpoint})` : `sent to ${api.eventBusEndpoint}`}`,
    `  Expiry job:      every ${config.expiryJobIntervalSeconds} s (${LOCAL.settings.expiryJobIntervalSeconds.env}; daily in AWS)`,
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
    `  curl -s ${auth} ${api.url}/api/v1/audit-log`,
  );
  if (api.demoPatToken !== undefined) {
    lines.push(
      `  curl -s -H "Authorization: Bearer $PAT" ${api.url}/api/v1/whoami`,
      `  (a revoked PAT keeps working on whoami for ${GATEWAY.settings.authorizerCacheSeconds.env}=${config.gateway.authorizerCacheSeconds}, as behind API Gateway)`,
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

import { isIP } from 'node:net';
import { join } from 'node:path';
import { ConfigurationError, loadConfig } from '../lambda/config';
import { integer, list, setting, text } from '../lambda/config/kinds';
import { FUNCTION_SETTINGS, GATEWAY, JWT } from '../lambda/config/schema';
import {
  type ConfigOf,
  environmentOf,
  group,
  isSet,
  localValues,
  readGroups,
  SettingsReader,
  type ValuesOf,
} from '../lambda/config/setting';

type Env = Readonly<Record<string, string | undefined>>;

const port = (env: string, fallback: number) => integer({ env, default: fallback, min: 0, max: 65_535 });
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** `npm start`'s own settings: where it listens and keeps its data. */
export const LOCAL = group(() => ({
  port: port('PORT', 8080),
  /** The embedded DynamoDB Local (unless the functions are given a DYNAMODB endpoint). */
  dynamoDbPort: port('DYNAMODB_PORT', 8000),
  /** The dev issuer (unless the functions are given an issuer). */
  devIssuerPort: port('DEV_ISSUER_PORT', 8001),
  /** The local EventBridge the publisher sends to (unless the functions are given a bus endpoint). */
  eventBusPort: port('EVENT_BUS_PORT', 8002),
  /** How often `npm start` runs the expiry job (daily in AWS). */
  expiryJobIntervalSeconds: integer({ env: 'EXPIRY_JOB_INTERVAL_SECONDS', default: 60, min: 1, max: 86_400 }),
  /**
   * Addresses every local server listens on: loopback, and perhaps the Docker bridge so that a SAM
   * container on Linux reaches them. Never every interface: the store holds token hashes.
   */
  bindHosts: list({
    env: 'LOCAL_BIND_HOST',
    default: ['127.0.0.1'],
    check: (hosts, name, problem) => {
      for (const host of hosts) {
        if (WILDCARDS.has(host)) {
          problem(
            `${name}=${host} would expose the store (token hashes), the dev issuer and the API to your network: list addresses instead, e.g. ${name}=127.0.0.1,172.17.0.1 for SAM on Linux (172.17.0.1 being docker0's address)`,
          );
        } else if (isIP(host) === 0) {
          problem(`${name} must list IP addresses such as 127.0.0.1 (got "${host}")`);
        }
      }
      if (!hosts.some((host) => host === '::1' || host.startsWith('127.'))) {
        problem(`${name} must include a loopback address such as 127.0.0.1 (got "${hosts.join(',')}")`);
      }
    },
  }),
  /** The embedded store's data and the dev issuer's key (git-ignored). */
  dataDir: text({ env: 'LOCAL_DATA_DIR', default: join(process.cwd(), '.local') }),
  /** Keep the embedded store in memory: nothing survives a restart (also `--in-memory`). */
  inMemory: setting({ env: 'LOCAL_IN_MEMORY' }, (name, { reader }) =>
    ['1', 'true'].includes(reader.optional(name) ?? ''),
  ),
}));

/** What `npm run pat` takes from the environment. */
export const CLI = group(() => ({
  /** A user JWT for a deployed stage, kept out of the shell history. */
  apiToken: text({ env: 'PATS_API_TOKEN' }),
  /** The `sub` of the dev tokens the CLI makes for the local API. */
  user: text({ env: 'USER', default: 'cli' }),
}));

export type FunctionConfig = ConfigOf<typeof FUNCTION_SETTINGS>;

/** The local API's settings (`npm start`, `npm run token|pat|events`), read once from the environment. */
export interface LocalConfig extends ValuesOf<typeof LOCAL.settings> {
  /** API Gateway's settings, which the local gateway imitates. */
  readonly gateway: ValuesOf<typeof GATEWAY.settings>;
  readonly cli: ValuesOf<typeof CLI.settings>;
  /** The functions are given an issuer: no dev issuer is started. */
  readonly externalIssuer: boolean;
  /** The functions are given a DynamoDB endpoint: no embedded store is started. */
  readonly externalStore: boolean;
  /** The publisher is given a bus endpoint: no local bus is started. */
  readonly externalBus: boolean;
  /**
   * The functions' configuration as `npm start` gives it: issuer and store are the dev issuer and
   * the embedded store at their configured ports unless set (`functionEnv` has the real ones).
   */
  readonly functions: FunctionConfig;
  /**
   * The environment the functions read (their own `loadConfig`, as in Lambda), once the issuer and
   * the store listen: every variable set wins over `npm start`'s defaults.
   */
  functionEnv(started: {
    readonly issuer: string;
    readonly dynamoDbEndpoint: string;
    readonly eventBusEndpoint: string;
  }): Env;
}

export class LocalConfigError extends Error {
  override readonly name = 'LocalConfigError';
}

/** Reads the local settings and checks the functions'; throws one `LocalConfigError` naming every bad variable. */
export function loadLocalConfig(env: Env = process.env, argv: readonly string[] = []): LocalConfig {
  const reader = new SettingsReader((name) => env[name]);
  const { local, gateway, cli } = readGroups(
    { local: LOCAL, gateway: GATEWAY, cli: CLI },
    { reader, source: 'env', urlPolicy: { runtime: 'local' } },
  );
  const externalIssuer = isSet(env, JWT.settings.issuer);
  if (externalIssuer && !isSet(env, JWT.settings.audiences)) {
    reader.problem(
      `${JWT.settings.issuer.env} is set, so ${JWT.settings.audiences.env} must be set too (e.g. ${JWT.settings.audiences.env}=pats-api)`,
    );
  }
  const functionEnv: LocalConfig['functionEnv'] = ({ issuer, dynamoDbEndpoint, eventBusEndpoint }) => {
    const defaults = localValues(FUNCTION_SETTINGS);
    return {
      ...environmentOf(FUNCTION_SETTINGS, {
        ...defaults,
        jwt: { ...defaults.jwt, issuer },
        dynamoDb: { ...defaults.dynamoDb, endpoint: dynamoDbEndpoint },
        events: { ...defaults.events, endpoint: eventBusEndpoint },
      }),
      ...env,
    };
  };
  let functions: FunctionConfig | undefined;
  try {
    functions = loadConfig(
      FUNCTION_SETTINGS,
      functionEnv({
        issuer: devIssuerUrl(local.devIssuerPort),
        dynamoDbEndpoint: storeUrl(local.dynamoDbPort),
        eventBusEndpoint: storeUrl(local.eventBusPort),
      }),
    );
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    for (const problem of error.problems) reader.problem(problem);
  }
  if (reader.problems.length > 0 || functions === undefined) {
    throw new LocalConfigError(reader.problems.join('; '));
  }
  return {
    ...local,
    inMemory: local.inMemory || argv.includes('--in-memory'),
    gateway,
    cli,
    externalIssuer,
    externalStore: isSet(env, FUNCTION_SETTINGS.dynamoDb.settings.endpoint),
    externalBus: isSet(env, FUNCTION_SETTINGS.events.settings.endpoint),
    functions,
    functionEnv,
  };
}

/** The dev issuer's `iss` for a port: what tokens carry and what the functions expect. */
export const devIssuerUrl = (port: number) => `http://localhost:${port}`;

/** The endpoint of a local server (the embedded store, the local bus) for a port. */
export const storeUrl = (port: number) => `http://127.0.0.1:${port}`;

/** The local API's base URL, for the CLIs. */
export const localApiUrl = (config: LocalConfig) => `http://localhost:${config.port}`;

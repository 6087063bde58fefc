import { isIP } from 'node:net';
import { join } from 'node:path';
import { PATS_TABLE } from '../lambda/adapters/pats-table-schema';
import { DEFAULTS, PAT_LIMITS, SettingsReader } from '../lambda/settings';

/**
 * The local API's own settings (`npm start`, `npm run token|pat|events`), read once from the
 * environment. The functions' settings are then derived from these and read by the functions'
 * own `loadConfig`, exactly as in Lambda, so every variable a function honours (PAT_SCOPES, ...)
 * works here too.
 */
export interface LocalConfig {
  readonly port: number;
  readonly dynamoDbPort: number;
  readonly devIssuerPort: number;
  /**
   * Addresses every local server listens on: loopback, and perhaps the Docker bridge so that a SAM
   * container on Linux reaches them. Never every interface: the store holds token hashes.
   */
  readonly bindHosts: readonly string[];
  /** Folder for the embedded store's data and the dev issuer's key (git-ignored). */
  readonly dataDir: string;
  /** Keep the embedded store in memory: nothing survives a restart. */
  readonly inMemory: boolean;
  readonly tableName: string;
  /** An external DynamoDB endpoint; when set no embedded store is started. */
  readonly dynamoDbEndpoint: string | undefined;
  /** An external issuer; when set no dev issuer is started. */
  readonly external: { issuer: string; audience: string; jwksUri: string | undefined } | undefined;
  readonly audience: string;
  readonly workspaceClaim: string;
  readonly corsAllowedOrigins: readonly string[];
  /**
   * How long the local gateway keeps each answer of the credential authorizer, as API Gateway
   * does with `authorizerCacheSeconds` (0: no cache).
   */
  readonly authorizerCacheSeconds: number;
  /** Every variable, for the parts (the functions' `loadConfig`) that read their own. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export class LocalConfigError extends Error {
  override readonly name = 'LocalConfigError';
}

export const DEFAULT_AUDIENCE = 'pats-api';
export const DEFAULT_PORTS = { PORT: 8080, DYNAMODB_PORT: 8000, DEV_ISSUER_PORT: 8001 } as const;

/** Reads the local settings; throws one `LocalConfigError` naming every bad variable. */
export function loadLocalConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  argv: readonly string[] = [],
): LocalConfig {
  const read = new SettingsReader((name) => env[name]);
  const port = (name: keyof typeof DEFAULT_PORTS) => read.integer(name, DEFAULT_PORTS[name], 0, 65_535);
  const issuer = read.optional('JWT_ISSUER');
  const audience = read.optional('JWT_AUDIENCE');
  if (issuer !== undefined && audience === undefined) {
    read.problem('JWT_ISSUER is set, so JWT_AUDIENCE must be set too (e.g. JWT_AUDIENCE=pats-api)');
  }
  const config: LocalConfig = {
    bindHosts: bindHosts(read),
    port: port('PORT'),
    dynamoDbPort: port('DYNAMODB_PORT'),
    devIssuerPort: port('DEV_ISSUER_PORT'),
    dataDir: read.optional('LOCAL_DATA_DIR') ?? join(process.cwd(), '.local'),
    inMemory:
      argv.includes('--in-memory') ||
      read.optional('LOCAL_IN_MEMORY') === '1' ||
      read.optional('LOCAL_IN_MEMORY') === 'true',
    tableName: read.optional('TABLE_NAME') ?? PATS_TABLE.defaultName,
    dynamoDbEndpoint: read.optional('DYNAMODB_ENDPOINT'),
    external:
      issuer !== undefined && audience !== undefined
        ? { issuer, audience, jwksUri: read.optional('JWKS_URI') }
        : undefined,
    audience: audience ?? DEFAULT_AUDIENCE,
    workspaceClaim: read.optional('WORKSPACE_CLAIM') ?? 'workspaces',
    corsAllowedOrigins: read.list('CORS_ALLOWED_ORIGINS'),
    authorizerCacheSeconds: read.integer(
      'AUTHORIZER_CACHE_SECONDS',
      DEFAULTS.authorizerCacheSeconds,
      0,
      PAT_LIMITS.maxAuthorizerCacheSeconds,
    ),
    env,
  };
  if (read.problems.length > 0) throw new LocalConfigError(read.problems.join('; '));
  return config;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * `LOCAL_BIND_HOST`: comma-separated IP addresses, one of them loopback (the banner, the CLIs and
 * the tests use localhost). A wildcard is refused: it would put the store, the dev issuer and the
 * API on the LAN. SAM on Linux needs the Docker bridge address instead (see the README).
 */
function bindHosts(read: SettingsReader): string[] {
  const hosts = [...read.list('LOCAL_BIND_HOST', ['127.0.0.1'])];
  for (const host of hosts) {
    if (WILDCARDS.has(host)) {
      read.problem(
        `LOCAL_BIND_HOST=${host} would expose the store (token hashes), the dev issuer and the API to your network: list addresses instead, e.g. LOCAL_BIND_HOST=127.0.0.1,172.17.0.1 for SAM on Linux (172.17.0.1 being docker0's address)`,
      );
    } else if (isIP(host) === 0) {
      read.problem(`LOCAL_BIND_HOST must list IP addresses such as 127.0.0.1 (got "${host}")`);
    }
  }
  if (!hosts.some((host) => host === '::1' || host.startsWith('127.'))) {
    read.problem(
      `LOCAL_BIND_HOST must include a loopback address such as 127.0.0.1 (got "${hosts.join(',')}")`,
    );
  }
  return hosts;
}

/** The dev issuer's `iss` for a port: what tokens carry and what the functions expect. */
export const devIssuerUrl = (port: number) => `http://localhost:${port}`;

/** The local API's base URL, for the CLIs. */
export const localApiUrl = (config: LocalConfig) => `http://localhost:${config.port}`;

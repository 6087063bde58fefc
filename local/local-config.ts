import { isIP } from 'node:net';
import { join } from 'node:path';
import { PATS_TABLE } from '../lambda/adapters/pats-table-schema';

/**
 * The local API's own settings (`npm start`, `npm run token|pat|events`), read once from the
 * environment. The function's settings are then derived from these and read by the function's
 * own `loadConfig`, exactly as in Lambda.
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
  /** Folder for the embedded store's data, the dev issuer's key and the demo ids (git-ignored). */
  readonly dataDir: string;
  /** Keep the embedded store in memory: nothing survives a restart. */
  readonly inMemory: boolean;
  readonly tableName: string;
  /** An external DynamoDB-compatible endpoint; when set no embedded store is started. */
  readonly dynamoDbEndpoint: string | undefined;
  /** An external issuer; when set no dev issuer is started. */
  readonly external: { issuer: string; audience: string; jwksUri: string | undefined } | undefined;
  readonly audience: string;
  readonly workspaceClaim: string;
  readonly corsAllowedOrigins: readonly string[];
  /** Every variable, for the parts (the function's `loadConfig`) that read their own. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export class LocalConfigError extends Error {
  override readonly name = 'LocalConfigError';
}

export const DEFAULT_AUDIENCE = 'pats-api';

export function loadLocalConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  argv: readonly string[] = [],
): LocalConfig {
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const port = (name: string, fallback: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
      throw new LocalConfigError(`${name} must be a port number from 0 to 65535 (got "${raw}")`);
    }
    return parsed;
  };
  const issuer = value('JWT_ISSUER');
  const audience = value('JWT_AUDIENCE');
  if (issuer !== undefined && audience === undefined) {
    throw new LocalConfigError(
      'JWT_ISSUER is set, so JWT_AUDIENCE must be set too (e.g. JWT_AUDIENCE=pats-api)',
    );
  }
  return {
    bindHosts: bindHosts(value('LOCAL_BIND_HOST')),
    port: port('PORT', 8080),
    dynamoDbPort: port('DYNAMODB_PORT', 8000),
    devIssuerPort: port('DEV_ISSUER_PORT', 8001),
    dataDir: value('LOCAL_DATA_DIR') ?? join(process.cwd(), '.local'),
    inMemory:
      argv.includes('--in-memory') || value('LOCAL_IN_MEMORY') === '1' || value('LOCAL_IN_MEMORY') === 'true',
    tableName: value('TABLE_NAME') ?? PATS_TABLE.defaultName,
    dynamoDbEndpoint: value('DYNAMODB_ENDPOINT'),
    external:
      issuer !== undefined && audience !== undefined
        ? { issuer, audience, jwksUri: value('JWKS_URI') }
        : undefined,
    audience: audience ?? DEFAULT_AUDIENCE,
    workspaceClaim: value('WORKSPACE_CLAIM') ?? 'workspaces',
    corsAllowedOrigins: (value('CORS_ALLOWED_ORIGINS') ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    env,
  };
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * `LOCAL_BIND_HOST`: comma-separated IP addresses, one of them loopback (the banner, the CLIs and
 * the tests use localhost). A wildcard is refused: it would put the store, the dev issuer and the
 * API on the LAN. SAM on Linux needs the Docker bridge address instead (see the README).
 */
function bindHosts(raw: string | undefined): string[] {
  const hosts = (raw ?? '127.0.0.1')
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '');
  for (const host of hosts) {
    if (WILDCARDS.has(host)) {
      throw new LocalConfigError(
        `LOCAL_BIND_HOST=${host} would expose the store (token hashes), the dev issuer and the API to your network: list addresses instead, e.g. LOCAL_BIND_HOST=127.0.0.1,172.17.0.1 for SAM on Linux (172.17.0.1 being docker0's address).`,
      );
    }
    if (isIP(host) === 0) {
      throw new LocalConfigError(`LOCAL_BIND_HOST must list IP addresses such as 127.0.0.1 (got "${host}")`);
    }
  }
  if (!hosts.some((host) => host === '::1' || host.startsWith('127.'))) {
    throw new LocalConfigError(
      `LOCAL_BIND_HOST must include a loopback address such as 127.0.0.1 (got "${raw}")`,
    );
  }
  return hosts;
}

/** The dev issuer's `iss` for a port: what tokens carry and what the function expects. */
export const devIssuerUrl = (port: number) => `http://localhost:${port}`;

export const localDynamoDbEndpoint = (config: LocalConfig) =>
  config.dynamoDbEndpoint ?? `http://localhost:${config.dynamoDbPort}`;

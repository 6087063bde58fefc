import type { LogLevel } from './adapters/json-logger';
import { parseDynamoDbEndpoint, parseKeySourceUrl, runtimeOf, type UrlPolicy } from './adapters/url-policy';
import type { PatPolicy } from './domain/pat-policy';
import { DEFAULTS, PAT_LIMITS, readPatPolicy, SettingsReader } from './settings';

const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'];

/**
 * The function's configuration, read and validated once at init. This is the only module that
 * reads the environment; everything else receives a `Config`.
 */
export interface Config {
  readonly tableName: string;
  /** The exact `iss` accepted. */
  readonly jwtIssuer: string;
  /** Accepted audiences (`aud`, or `client_id` for tokens without `aud`). */
  readonly jwtAudiences: readonly string[];
  /** Where the keys are; `undefined` means "ask the issuer's OIDC discovery document". */
  readonly jwksUri: string | undefined;
  readonly workspaceClaim: string;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`. */
  readonly jwtLeewaySeconds: number;
  /** The longest a fetched key set is trusted before it is fetched again. */
  readonly jwksMaxAgeSeconds: number;
  /** Time allowed for one fetch of the discovery document or the key set. */
  readonly jwksFetchTimeoutMs: number;
  /** How long a failed key fetch is remembered, answering 503 at once meanwhile (at most 30 s). */
  readonly jwksFailureTtlSeconds: number;
  /** Where the function runs, which decides the URLs it may use (see `url-policy.ts`). */
  readonly urlPolicy: UrlPolicy;
  readonly dynamoDb: DynamoDbConfig;
  /** The rules of new PATs. */
  readonly patPolicy: PatPolicy;
  /** The authorizer writes `lastUsedAt` at most once per PAT per this many seconds. */
  readonly patLastUsedIntervalSeconds: number;
  /** The PAT scopes each route behind the credential authorizer needs, by route key (ROUTE_SCOPES). */
  readonly routeScopes: Readonly<Record<string, readonly string[]>>;
  /** Lambda's application log level when configured on the function, else LOG_LEVEL. */
  readonly logLevel: LogLevel;
}

export interface DynamoDbConfig {
  /** A local DynamoDB endpoint (DynamoDB Local); `undefined` for AWS. */
  readonly endpoint: string | undefined;
  readonly region: string | undefined;
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the configuration; throws one `ConfigurationError` naming every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const read = new SettingsReader((name) => env[name]);
  const urlPolicy: UrlPolicy = { runtime: runtimeOf(env) };

  const tableName = read.required('TABLE_NAME', 'the DynamoDB table holding the PATs, e.g. pats');
  const jwtIssuer = keySourceUrl(
    read,
    urlPolicy,
    'JWT_ISSUER',
    true,
    'the exact `iss` of accepted tokens, e.g. https://issuer.example.com',
  );
  const audienceText = read.required('JWT_AUDIENCE', 'comma-separated audiences of this API, e.g. pats-api');
  const jwtAudiences = read.list('JWT_AUDIENCE');
  if (audienceText !== undefined && jwtAudiences.length === 0) {
    read.problem('JWT_AUDIENCE must name at least one audience, e.g. pats-api');
  }
  const jwksUri = keySourceUrl(read, urlPolicy, 'JWKS_URI', false, 'the URL of the JSON Web Key Set');

  const endpoint = read.optional('DYNAMODB_ENDPOINT');
  if (endpoint !== undefined && parseDynamoDbEndpoint(endpoint, urlPolicy) === undefined) {
    read.problem(
      urlPolicy.runtime === 'lambda'
        ? `DYNAMODB_ENDPOINT must be an https:// AWS endpoint in a deployed function (got "${endpoint}")`
        : `DYNAMODB_ENDPOINT must be an http(s) URL, e.g. http://localhost:8000; host.docker.internal only inside sam local (got "${endpoint}")`,
    );
  }

  const logLevel = readLogLevel(read);

  const config: Config = {
    logLevel,
    // Returned only when no problem was found, so both are set.
    tableName: tableName as string,
    jwtIssuer: jwtIssuer as string,
    jwtAudiences,
    jwksUri,
    workspaceClaim: read.optional('WORKSPACE_CLAIM') ?? DEFAULTS.workspaceClaim,
    jwtLeewaySeconds: read.integer('JWT_LEEWAY_SECONDS', DEFAULTS.jwtLeewaySeconds, 0, 60),
    jwksMaxAgeSeconds: read.integer('JWKS_MAX_AGE_SECONDS', DEFAULTS.jwksMaxAgeSeconds, 1, 3600),
    jwksFetchTimeoutMs: read.integer('JWKS_FETCH_TIMEOUT_MS', DEFAULTS.jwksFetchTimeoutMs, 100, 10_000),
    jwksFailureTtlSeconds: read.integer(
      'JWKS_FAILURE_CACHE_SECONDS',
      DEFAULTS.jwksFailureCacheSeconds,
      1,
      30,
    ),
    urlPolicy,
    dynamoDb: {
      endpoint,
      region: read.optional('AWS_REGION') ?? read.optional('AWS_DEFAULT_REGION'),
      maxAttempts: read.integer('DYNAMODB_MAX_ATTEMPTS', DEFAULTS.dynamoDbMaxAttempts, 1, 10),
      connectTimeoutMs: read.integer(
        'DYNAMODB_CONNECT_TIMEOUT_MS',
        DEFAULTS.dynamoDbConnectTimeoutMs,
        50,
        10_000,
      ),
      requestTimeoutMs: read.integer(
        'DYNAMODB_REQUEST_TIMEOUT_MS',
        DEFAULTS.dynamoDbRequestTimeoutMs,
        50,
        10_000,
      ),
    },
    patPolicy: readPatPolicy(read, ENV_NAMES.patPolicy),
    patLastUsedIntervalSeconds: read.integer(
      'PAT_LAST_USED_INTERVAL_SECONDS',
      DEFAULTS.patLastUsedIntervalSeconds,
      1,
      PAT_LIMITS.maxLastUsedIntervalSeconds,
    ),
    routeScopes: readRouteScopes(read),
  };
  if (read.problems.length > 0) throw new ConfigurationError(read.problems);
  return config;
}

/** What a route that reads only the authorizer's context needs (`GET /api/v1/whoami`). */
export interface HttpConfig {
  readonly logLevel: LogLevel;
}

export function loadHttpConfig(env: Env = process.env): HttpConfig {
  const read = new SettingsReader((name) => env[name]);
  const config = { logLevel: readLogLevel(read) };
  if (read.problems.length > 0) throw new ConfigurationError(read.problems);
  return config;
}

/** Lambda's application log level when configured on the function, else LOG_LEVEL. */
function readLogLevel(read: SettingsReader): LogLevel {
  const text = (read.optional('AWS_LAMBDA_LOG_LEVEL') ?? read.optional('LOG_LEVEL') ?? 'INFO').toUpperCase();
  const level = LOG_LEVELS.find(
    (candidate) => candidate === (text === 'TRACE' ? 'DEBUG' : text === 'FATAL' ? 'ERROR' : text),
  );
  if (level === undefined) read.problem(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${text}")`);
  return level ?? 'INFO';
}

/** ROUTE_SCOPES: a JSON object of route keys to lists of scopes, e.g. {"GET /api/v1/whoami":["read"]}. */
function readRouteScopes(read: SettingsReader): Record<string, readonly string[]> {
  const text = read.optional('ROUTE_SCOPES');
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: `value` stays undefined and is refused below.
  }
  const valid =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(
      (scopes) => Array.isArray(scopes) && scopes.every((scope) => typeof scope === 'string'),
    );
  if (!valid) {
    read.problem(
      `ROUTE_SCOPES must be a JSON object of route keys to scope lists, e.g. {"GET /api/v1/whoami":["read"]} (got ${JSON.stringify(text)})`,
    );
    return {};
  }
  return value as Record<string, readonly string[]>;
}

/** The environment variables of the PAT rules (the stack sets them from the CDK context). */
export const ENV_NAMES = {
  patPolicy: {
    scopes: 'PAT_SCOPES',
    defaultLifetimeDays: 'PAT_DEFAULT_LIFETIME_DAYS',
    maxLifetimeDays: 'PAT_MAX_LIFETIME_DAYS',
    maxPerWorkspace: 'PAT_MAX_PER_WORKSPACE',
  },
} as const;

function keySourceUrl(
  read: SettingsReader,
  urlPolicy: UrlPolicy,
  name: string,
  isRequired: boolean,
  meaning: string,
): string | undefined {
  const value = isRequired ? read.required(name, meaning) : read.optional(name);
  if (value === undefined) return undefined;
  if (parseKeySourceUrl(value, urlPolicy) === undefined) {
    const plainHttp = {
      lambda: 'never in a deployed function',
      'sam-local': 'only for localhost, 127.0.0.0/8, [::1] or host.docker.internal',
      local: 'only for localhost, 127.0.0.0/8 or [::1]; host.docker.internal only inside sam local',
    }[urlPolicy.runtime];
    read.problem(`${name} must be an https:// URL (http:// ${plainHttp}): got "${value}"`);
  }
  return value;
}

/**
 * The worst-case time one DynamoDB call may take before the service gives up with a 503: every
 * attempt may spend its connection and request timeouts, and the SDK's standard retry strategy
 * waits at most 1 s x 2^retry between attempts (its throttling base; other errors wait less).
 * Tests and the stack use it to show the budget fits the function's timeout and API Gateway's
 * 30 s limit.
 */
export function dynamoDbTimeBudgetMs(dynamoDb: DynamoDbConfig): number {
  const perAttempt = dynamoDb.connectTimeoutMs + dynamoDb.requestTimeoutMs;
  const backoff = Array.from({ length: dynamoDb.maxAttempts - 1 }, (_, retry) => 1000 * 2 ** retry).reduce(
    (sum, delay) => sum + Math.min(delay, 20_000),
    0,
  );
  return dynamoDb.maxAttempts * perAttempt + backoff;
}

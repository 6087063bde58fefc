import type { LogLevel } from './adapters/json-logger';
import { parseDynamoDbEndpoint, parseKeySourceUrl, runtimeOf, type UrlPolicy } from './adapters/url-policy';

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
  /** Lambda's application log level when configured on the function, else LOG_LEVEL. */
  readonly logLevel: LogLevel;
}

export interface DynamoDbConfig {
  /** A local DynamoDB-compatible endpoint (dynalite, DynamoDB Local); `undefined` for AWS. */
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
  const problems: string[] = [];
  const urlPolicy: UrlPolicy = { runtime: runtimeOf(env) };
  const read = new EnvReader(env, problems, urlPolicy);

  const tableName = read.required('TABLE_NAME', 'the DynamoDB table holding the PATs, e.g. pats');
  const jwtIssuer = read.keySourceUrl(
    'JWT_ISSUER',
    true,
    'the exact `iss` of accepted tokens, e.g. https://issuer.example.com',
  );
  const audienceText = read.required('JWT_AUDIENCE', 'comma-separated accepted audiences, e.g. pats-api');
  const jwtAudiences = (audienceText ?? '')
    .split(',')
    .map((audience) => audience.trim())
    .filter((audience) => audience !== '');
  if (audienceText !== undefined && jwtAudiences.length === 0) {
    problems.push('JWT_AUDIENCE must name at least one audience, e.g. pats-api');
  }
  const jwksUri = read.keySourceUrl('JWKS_URI', false, 'the URL of the JSON Web Key Set');
  const workspaceClaim = read.optional('WORKSPACE_CLAIM') ?? 'workspaces';

  const endpoint = read.optional('DYNAMODB_ENDPOINT');
  if (endpoint !== undefined && parseDynamoDbEndpoint(endpoint, urlPolicy) === undefined) {
    problems.push(
      urlPolicy.runtime === 'lambda'
        ? `DYNAMODB_ENDPOINT must be an https:// AWS endpoint in a deployed function (got "${endpoint}")`
        : `DYNAMODB_ENDPOINT must be an http(s) URL, e.g. http://localhost:8000; host.docker.internal only inside sam local (got "${endpoint}")`,
    );
  }

  const logLevelText = (
    read.optional('AWS_LAMBDA_LOG_LEVEL') ??
    read.optional('LOG_LEVEL') ??
    'INFO'
  ).toUpperCase();
  const logLevel = LOG_LEVELS.find(
    (level) =>
      level === (logLevelText === 'TRACE' ? 'DEBUG' : logLevelText === 'FATAL' ? 'ERROR' : logLevelText),
  );
  if (logLevel === undefined)
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevelText}")`);

  const config: Config = {
    logLevel: logLevel ?? 'INFO',
    tableName: tableName ?? '',
    jwtIssuer: jwtIssuer ?? '',
    jwtAudiences,
    jwksUri,
    workspaceClaim,
    jwtLeewaySeconds: read.integer('JWT_LEEWAY_SECONDS', 0, 0, 60),
    jwksMaxAgeSeconds: read.integer('JWKS_MAX_AGE_SECONDS', 3600, 1, 3600),
    jwksFetchTimeoutMs: read.integer('JWKS_FETCH_TIMEOUT_MS', 2000, 100, 10_000),
    jwksFailureTtlSeconds: read.integer('JWKS_FAILURE_CACHE_SECONDS', 10, 1, 30),
    urlPolicy,
    dynamoDb: {
      endpoint,
      region: read.optional('AWS_REGION') ?? read.optional('AWS_DEFAULT_REGION'),
      maxAttempts: read.integer('DYNAMODB_MAX_ATTEMPTS', 3, 1, 10),
      connectTimeoutMs: read.integer('DYNAMODB_CONNECT_TIMEOUT_MS', 500, 50, 10_000),
      requestTimeoutMs: read.integer('DYNAMODB_REQUEST_TIMEOUT_MS', 1500, 50, 10_000),
    },
  };
  if (problems.length > 0) throw new ConfigurationError(problems);
  return config;
}

/**
 * The worst-case time one DynamoDB read may take before the service gives up with a 503: every
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

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
    private readonly urlPolicy: UrlPolicy,
  ) {}

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  required(name: string, meaning: string): string | undefined {
    const value = this.optional(name);
    if (value === undefined) this.problems.push(`${name} is required: ${meaning}`);
    return value;
  }

  keySourceUrl(name: string, isRequired: boolean, meaning: string): string | undefined {
    const value = isRequired ? this.required(name, meaning) : this.optional(name);
    if (value === undefined) return undefined;
    if (parseKeySourceUrl(value, this.urlPolicy) === undefined) {
      const plainHttp = {
        lambda: 'never in a deployed function',
        'sam-local': 'only for localhost, 127.0.0.0/8, [::1] or host.docker.internal',
        local: 'only for localhost, 127.0.0.0/8 or [::1]; host.docker.internal only inside sam local',
      }[this.urlPolicy.runtime];
      this.problems.push(`${name} must be an https:// URL (http:// ${plainHttp}): got "${value}"`);
    }
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}: got "${value}"`);
      return fallback;
    }
    return parsed;
  }
}

import { awsEndpoint, flag, integer, json, keySourceUrl, list, oneOf, text } from './kinds';
import { group } from './setting';

/**
 * Every setting of the functions, the local API and the CDK app, each declared once: the Lambda's
 * `loadConfig`, the CDK context checks, each function's environment and `npm start`'s defaults are
 * derived from these groups. No other source file names an environment variable.
 */

/** What a scope may look like: `read`, `write`, `deploy:prod`. */
export const SCOPE_PATTERN = /^[a-z][a-z0-9:_.-]{0,63}$/;
export const MAX_SCOPES = 50;
/** API Gateway's limit for an authorizer's result cache. */
export const MAX_AUTHORIZER_CACHE_SECONDS = 3600;

export const LOG = /* @__PURE__ */ group(() => ({
  level: oneOf({
    env: 'AWS_LAMBDA_LOG_LEVEL',
    fallbackEnv: ['LOG_LEVEL'],
    words: ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'],
    default: 'INFO',
    aliases: { TRACE: 'DEBUG', FATAL: 'ERROR' },
  }),
}));

/** Where the process runs (`url-policy.ts`): the variables Lambda and SAM set. */
export const RUNTIME = /* @__PURE__ */ group(() => ({
  samLocal: flag({ env: 'AWS_SAM_LOCAL' }),
  lambdaFunctionName: text({ env: 'AWS_LAMBDA_FUNCTION_NAME' }),
}));

export const TABLE = /* @__PURE__ */ group(() => ({
  name: text({
    env: 'TABLE_NAME',
    required: 'the DynamoDB table holding the PATs, e.g. pats',
    local: 'pats',
  }),
}));

/** The audit records every write stores in its own transaction. */
export const AUDIT = /* @__PURE__ */ group(() => ({
  tableName: text({
    env: 'AUDIT_TABLE_NAME',
    required: 'the DynamoDB table holding the audit records, e.g. pats-audit',
    local: 'pats-audit',
  }),
  /** Days a record is kept before DynamoDB's TTL deletes it. */
  retentionDays: integer({
    env: 'AUDIT_RETENTION_DAYS',
    context: 'auditRetentionDays',
    default: 400,
    min: 1,
    max: 3650,
  }),
}));

/** What the expiry job adds to the PAT rules. */
export const EXPIRY = /* @__PURE__ */ group(() => ({
  /** Days an expired PAT stays listed before the job removes it. */
  expiredRetentionDays: integer({
    env: 'PAT_EXPIRED_RETENTION_DAYS',
    context: 'patExpiredRetentionDays',
    default: 30,
    min: 0,
    max: 365,
  }),
}));

/** Where the publisher sends the records' events. */
export const EVENTS = /* @__PURE__ */ group(() => ({
  busName: text({
    env: 'EVENT_BUS_NAME',
    required: 'the EventBridge bus the records are published to, e.g. pats-api',
    local: 'pats-api-local',
  }),
  /** A local EventBridge (`npm start`'s, `sam local invoke`); unset for AWS. */
  endpoint: awsEndpoint({ env: 'EVENT_BUS_ENDPOINT', example: 'http://localhost:8002' }),
}));

export const JWT = /* @__PURE__ */ group(() => ({
  issuer: keySourceUrl({
    env: 'JWT_ISSUER',
    context: 'jwtIssuer',
    required: 'the exact `iss` of accepted tokens, e.g. https://issuer.example.com',
  }),
  audiences: list({
    env: 'JWT_AUDIENCE',
    context: 'jwtAudience',
    required: 'comma-separated audiences of this API, e.g. pats-api',
    local: ['pats-api'],
    check: (items, name, problem) => {
      if (items.length === 0) problem(`${name} must name at least one audience, e.g. pats-api`);
    },
  }),
  /** Where the keys are; unset means "ask the issuer's OIDC discovery document". */
  jwksUri: keySourceUrl({ env: 'JWKS_URI', context: 'jwksUri' }),
  /** The claim listing the workspaces a user may act in. */
  workspaceClaim: text({ env: 'WORKSPACE_CLAIM', context: 'workspaceClaim', default: 'workspaces' }),
  /** Clock skew tolerated on `exp`, `nbf` and `iat`. */
  leewaySeconds: integer({ env: 'JWT_LEEWAY_SECONDS', default: 0, min: 0, max: 60 }),
  /** The longest a fetched key set is trusted before it is fetched again. */
  jwksMaxAgeSeconds: integer({ env: 'JWKS_MAX_AGE_SECONDS', default: 3600, min: 1, max: 3600 }),
  /** Time allowed for one fetch of the discovery document or the key set. */
  fetchTimeoutMs: integer({ env: 'JWKS_FETCH_TIMEOUT_MS', default: 2000, min: 100, max: 10_000 }),
  /** How long a failed key fetch is remembered, answering 503 at once meanwhile. */
  jwksFailureTtlSeconds: integer({ env: 'JWKS_FAILURE_CACHE_SECONDS', default: 10, min: 1, max: 30 }),
}));

export const DYNAMODB = /* @__PURE__ */ group(() => ({
  /** A local DynamoDB (DynamoDB Local, `sam local invoke`); unset for AWS. */
  endpoint: awsEndpoint({ env: 'DYNAMODB_ENDPOINT', example: 'http://localhost:8000' }),
  region: text({ env: 'AWS_REGION', fallbackEnv: ['AWS_DEFAULT_REGION'], local: 'us-east-1' }),
  /** Attempts per request, the first included. */
  maxAttempts: integer({ env: 'DYNAMODB_MAX_ATTEMPTS', default: 3, min: 1, max: 10 }),
  connectTimeoutMs: integer({ env: 'DYNAMODB_CONNECT_TIMEOUT_MS', default: 500, min: 50, max: 10_000 }),
  requestTimeoutMs: integer({ env: 'DYNAMODB_REQUEST_TIMEOUT_MS', default: 1500, min: 50, max: 10_000 }),
}));

/** The rules of new PATs; a default lifetime longer than the maximum is a problem of both. */
export const PAT_POLICY = /* @__PURE__ */ group(
  () => ({
    /** The scopes a PAT may carry. */
    scopes: list({
      env: 'PAT_SCOPES',
      context: 'patScopes',
      default: ['read', 'write'],
      check: (scopes, name, problem) => {
        if (scopes.length === 0 || scopes.length > MAX_SCOPES) {
          problem(`${name} must list 1 to ${MAX_SCOPES} scopes, e.g. read,write`);
        }
        for (const scope of scopes.filter((candidate) => !SCOPE_PATTERN.test(candidate))) {
          problem(`${name} holds "${scope}", which is not a scope such as read or deploy:prod`);
        }
        if (new Set(scopes).size !== scopes.length) problem(`${name} repeats a scope`);
      },
    }),
    /** The lifetime of a PAT created without `expiresAt`. */
    defaultLifetimeDays: integer({
      env: 'PAT_DEFAULT_LIFETIME_DAYS',
      context: 'patDefaultLifetimeDays',
      default: 30,
      min: 1,
      max: 3650,
    }),
    maxLifetimeDays: integer({
      env: 'PAT_MAX_LIFETIME_DAYS',
      context: 'patMaxLifetimeDays',
      default: 365,
      min: 1,
      max: 3650,
    }),
    maxPerWorkspace: integer({
      env: 'PAT_MAX_PER_WORKSPACE',
      context: 'patMaxPerWorkspace',
      default: 100,
      min: 1,
      max: 10_000,
    }),
  }),
  (policy, nameOf, problem) => {
    if (policy.defaultLifetimeDays > policy.maxLifetimeDays) {
      problem(
        `${nameOf('defaultLifetimeDays')} (${policy.defaultLifetimeDays}) must not exceed ${nameOf('maxLifetimeDays')} (${policy.maxLifetimeDays})`,
      );
    }
  },
);

/** A route key as API Gateway writes it, or its default route. */
export const ROUTE_KEY = /^(\$default|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) \/\S*)$/;

const isRouteScopes = (value: unknown): value is Readonly<Record<string, readonly string[]>> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.entries(value).every(
    ([key, scopes]) =>
      ROUTE_KEY.test(key) &&
      Array.isArray(scopes) &&
      scopes.every((scope) => typeof scope === 'string' && SCOPE_PATTERN.test(scope)),
  );

/** What the credential authorizer adds to the JWT rules. */
export const AUTHORIZER = /* @__PURE__ */ group(() => ({
  /** `lastUsedAt` is written at most once per PAT per this many seconds. */
  lastUsedIntervalSeconds: integer({
    env: 'PAT_LAST_USED_INTERVAL_SECONDS',
    default: 60,
    min: 1,
    max: 86_400,
  }),
  /** The PAT scopes each route behind the authorizer needs, by route key. */
  routeScopes: json({
    env: 'ROUTE_SCOPES',
    default: {},
    valid: isRouteScopes,
    example:
      'a JSON object of route keys ("GET /path" or "$default") to scope lists, e.g. {"GET /api/v1/whoami":["read"]}',
  }),
}));

/** A browser origin: scheme, host and optional port, nothing else (no wildcard, no path). */
const isOrigin = (value: string) =>
  URL.canParse(value) &&
  ['https:', 'http:'].includes(new URL(value).protocol) &&
  new URL(value).origin === value;

/** API Gateway's settings, which the local gateway imitates: not in any function's environment. */
export const GATEWAY = /* @__PURE__ */ group(() => ({
  /** How long answers of the credential authorizer are cached; also the revocation latency of PAT routes. */
  authorizerCacheSeconds: integer({
    env: 'AUTHORIZER_CACHE_SECONDS',
    context: 'authorizerCacheSeconds',
    default: 60,
    min: 0,
    max: MAX_AUTHORIZER_CACHE_SECONDS,
  }),
  /** Browser origins allowed by CORS; none means CORS is off. */
  corsAllowedOrigins: list({
    env: 'CORS_ALLOWED_ORIGINS',
    context: 'corsAllowedOrigins',
    check: (origins, name, problem) => {
      for (const origin of origins.filter((candidate) => !isOrigin(candidate))) {
        problem(`${name} must list origins such as https://app.example.com (got "${origin}")`);
      }
    },
  }),
}));

/** What a PAT management route reads. */
export const MANAGEMENT_SETTINGS = {
  log: LOG,
  runtime: RUNTIME,
  table: TABLE,
  audit: AUDIT,
  jwt: JWT,
  dynamoDb: DYNAMODB,
  patPolicy: PAT_POLICY,
};
/** What the expiry job reads. */
export const EXPIRY_JOB_SETTINGS = {
  log: LOG,
  runtime: RUNTIME,
  table: TABLE,
  audit: AUDIT,
  dynamoDb: DYNAMODB,
  expiry: EXPIRY,
};
/** What the publisher reads: no table, the stream brings the records. */
export const PUBLISHER_SETTINGS = { log: LOG, runtime: RUNTIME, events: EVENTS };
/** What the credential authorizer reads (of the PAT rules, the scopes a PAT may still use). */
export const AUTHORIZER_SETTINGS = {
  log: LOG,
  runtime: RUNTIME,
  table: TABLE,
  jwt: JWT,
  dynamoDb: DYNAMODB,
  patPolicy: PAT_POLICY,
  authorizer: AUTHORIZER,
};
/** What a route that reads only the authorizer's context reads. */
export const CONTEXT_ONLY_SETTINGS = { log: LOG };
/** Every function setting: what `npm start` checks before it starts anything. */
export const FUNCTION_SETTINGS = {
  log: LOG,
  runtime: RUNTIME,
  table: TABLE,
  audit: AUDIT,
  jwt: JWT,
  dynamoDb: DYNAMODB,
  patPolicy: PAT_POLICY,
  authorizer: AUTHORIZER,
  expiry: EXPIRY,
  events: EVENTS,
};

/**
 * The one small reader of settings, shared by the function's configuration (`lambda/config.ts`,
 * environment variables), the local API's (`local/local-config.ts`) and the CDK app's
 * (`lib/app-context.ts`, context keys). It collects every problem instead of stopping at the
 * first, so a user fixes their settings in one go; each caller throws its own error with the list.
 */
export class SettingsReader {
  readonly problems: string[] = [];

  /** `read` returns the raw value of a setting by its name (an environment variable, a context key). */
  constructor(private readonly read: (name: string) => unknown) {}

  /** The trimmed value, `undefined` when absent or blank. Arrays (CDK context lists) are comma-joined. */
  optional(name: string): string | undefined {
    const value = this.read(name);
    if (value === undefined || value === null) return undefined;
    const text = (Array.isArray(value) ? value.join(',') : String(value)).trim();
    return text === '' ? undefined : text;
  }

  required(name: string, meaning: string): string | undefined {
    const value = this.optional(name);
    if (value === undefined) this.problems.push(`${name} is required: ${meaning}`);
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    // Decimal digits only: Number() alone would also take 0x10, 1e1 or 0b11.
    const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}: got "${value}"`);
      return fallback;
    }
    return parsed;
  }

  /** A comma-separated list, items trimmed, empty items dropped. */
  list(name: string, fallback: readonly string[] = []): readonly string[] {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  problem(message: string): void {
    this.problems.push(message);
  }
}

/** Every default of the settings the function, the local API and the stack share, defined once. */
export const DEFAULTS = {
  workspaceClaim: 'workspaces',
  jwtLeewaySeconds: 0,
  jwksMaxAgeSeconds: 3600,
  jwksFetchTimeoutMs: 2000,
  jwksFailureCacheSeconds: 10,
  dynamoDbMaxAttempts: 3,
  dynamoDbConnectTimeoutMs: 500,
  dynamoDbRequestTimeoutMs: 1500,
  patScopes: ['read', 'write'],
  patDefaultLifetimeDays: 30,
  patMaxLifetimeDays: 365,
  patMaxPerWorkspace: 100,
  patLastUsedIntervalSeconds: 60,
  authorizerCacheSeconds: 60,
} as const;

/** What a scope may look like: `read`, `write`, `deploy:prod`. */
export const SCOPE_PATTERN = /^[a-z][a-z0-9:_.-]{0,63}$/;

/** The bounds of the PAT settings, shared by the function's and the stack's checks. */
export const PAT_LIMITS = {
  maxLifetimeDays: 3650,
  maxPerWorkspace: 10_000,
  maxScopes: 50,
  maxAuthorizerCacheSeconds: 3600,
  maxLastUsedIntervalSeconds: 86_400,
} as const;

/**
 * The PAT rules from their settings (`PAT_SCOPES`, `PAT_DEFAULT_LIFETIME_DAYS`,
 * `PAT_MAX_LIFETIME_DAYS`, `PAT_MAX_PER_WORKSPACE`, or the CDK context keys of the same meaning),
 * checked together: a default lifetime longer than the maximum is a problem of both.
 */
export function readPatPolicy(
  reader: SettingsReader,
  names: { scopes: string; defaultLifetimeDays: string; maxLifetimeDays: string; maxPerWorkspace: string },
) {
  const scopes = reader.list(names.scopes, DEFAULTS.patScopes);
  if (scopes.length === 0 || scopes.length > PAT_LIMITS.maxScopes) {
    reader.problem(`${names.scopes} must list 1 to ${PAT_LIMITS.maxScopes} scopes, e.g. read,write`);
  }
  for (const scope of scopes) {
    if (!SCOPE_PATTERN.test(scope)) {
      reader.problem(`${names.scopes} holds "${scope}", which is not a scope such as read or deploy:prod`);
    }
  }
  if (new Set(scopes).size !== scopes.length) reader.problem(`${names.scopes} repeats a scope`);
  const maxLifetimeDays = reader.integer(
    names.maxLifetimeDays,
    DEFAULTS.patMaxLifetimeDays,
    1,
    PAT_LIMITS.maxLifetimeDays,
  );
  const defaultLifetimeDays = reader.integer(
    names.defaultLifetimeDays,
    DEFAULTS.patDefaultLifetimeDays,
    1,
    PAT_LIMITS.maxLifetimeDays,
  );
  if (defaultLifetimeDays > maxLifetimeDays) {
    reader.problem(
      `${names.defaultLifetimeDays} (${defaultLifetimeDays}) must not exceed ${names.maxLifetimeDays} (${maxLifetimeDays})`,
    );
  }
  const maxPerWorkspace = reader.integer(
    names.maxPerWorkspace,
    DEFAULTS.patMaxPerWorkspace,
    1,
    PAT_LIMITS.maxPerWorkspace,
  );
  return { scopes, defaultLifetimeDays, maxLifetimeDays, maxPerWorkspace };
}

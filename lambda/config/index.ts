import type { UrlPolicy } from '../adapters/url-policy';
import type { AUTHORIZER, DYNAMODB, JWT, MANAGEMENT_SETTINGS, PAT_POLICY, RUNTIME } from './schema';
import { type ConfigOf, type Groups, readGroups, SettingsReader, type ValuesOf } from './setting';

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the groups a function needs from its environment, once, at init; throws one
 * `ConfigurationError` naming every bad variable. Nothing else reads the environment.
 */
export function loadConfig<G extends Groups>(groups: G, env: Env = process.env): ConfigOf<G> {
  const reader = new SettingsReader((name) => env[name]);
  // Where the function runs decides which URLs it may use: a function with URL settings reads it.
  const { runtime } = groups;
  const urlPolicy: UrlPolicy =
    runtime === undefined
      ? { runtime: 'local' }
      : urlPolicyOf(
          readGroups({ runtime }, { reader, source: 'env', urlPolicy: { runtime: 'local' } }).runtime,
        );
  const config = readGroups(groups, { reader, source: 'env', urlPolicy });
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return config;
}

export const urlPolicyOf = (runtime: Partial<ValuesOf<typeof RUNTIME.settings>>): UrlPolicy => ({
  runtime: runtime.samLocal ? 'sam-local' : runtime.lambdaFunctionName !== undefined ? 'lambda' : 'local',
});

/** A management route's configuration; the authorizer's; each group as it is handed on. */
export type ManagementConfig = ConfigOf<typeof MANAGEMENT_SETTINGS>;
export type JwtSettings = ValuesOf<typeof JWT.settings>;
export type DynamoDbSettings = ValuesOf<typeof DYNAMODB.settings>;
export type PatPolicy = ValuesOf<typeof PAT_POLICY.settings>;
export type AuthorizerSettings = ValuesOf<typeof AUTHORIZER.settings>;
export type RuntimeSettings = ValuesOf<typeof RUNTIME.settings>;

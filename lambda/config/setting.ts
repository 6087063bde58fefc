import type { UrlPolicy } from '../adapters/url-policy';

/**
 * Collects every problem instead of stopping at the first, so a user fixes their settings in one
 * go; the caller throws its own error with the list.
 */
export class SettingsReader {
  readonly problems: string[] = [];
  /** Required settings that were not set: the name they were looked up under, and what they hold. */
  readonly missing: Array<{ readonly name: string; readonly meaning: string }> = [];

  /**
   * `read` returns a setting's raw value by its name (an environment variable, a context key).
   * With `collectMissing`, a missing required setting is only listed in `missing`, for a caller
   * that names them all in one sentence.
   */
  constructor(
    private readonly read: (name: string) => unknown,
    private readonly options: { readonly collectMissing?: boolean } = {},
  ) {}

  /** The trimmed value, `undefined` when absent or blank. Arrays (CDK context lists) are comma-joined. */
  optional(name: string | undefined): string | undefined {
    if (name === undefined) return undefined;
    const value = this.read(name);
    if (value === undefined || value === null) return undefined;
    const text = (Array.isArray(value) ? value.join(',') : String(value)).trim();
    return text === '' ? undefined : text;
  }

  required(name: string | undefined, meaning: string): string | undefined {
    const value = this.optional(name);
    if (value === undefined && name !== undefined) {
      this.missing.push({ name, meaning });
      if (this.options.collectMissing !== true) this.problems.push(`${name} is required: ${meaning}`);
    }
    return value;
  }

  problem(message: string): void {
    this.problems.push(message);
  }
}

/** Where settings are read from, and what decides which URLs they may hold. */
export interface ReadScope {
  readonly reader: SettingsReader;
  /** The environment of a function or of `npm start`, or the CDK app's context. */
  readonly source: 'env' | 'context';
  readonly urlPolicy: UrlPolicy;
}

/**
 * One setting, declared once: its environment variable, its CDK context key when the app takes
 * it from context, its default under `npm start`, and how it is read and written.
 */
export interface Setting<T> {
  readonly env: string;
  /** Read, in order, when `env` is unset (the names Lambda itself sets). */
  readonly fallbackEnv?: readonly string[];
  readonly context?: string;
  /** Its value when no source sets it. */
  readonly default?: T;
  /** Its value under `npm start` when the environment does not set it. */
  readonly local?: T;
  /** Reads the value under `name`; `undefined` when this source has no key for it (its default). */
  read(name: string | undefined, scope: ReadScope): T;
  /** Its text in a function's environment. @default lists comma-joined, anything else as `String` */
  format?(value: NonNullable<T>): string;
}

export type Settings = { readonly [key: string]: Setting<unknown> };
export type ValuesOf<S extends Settings> = { readonly [K in keyof S]: ReturnType<S[K]['read']> };

/** Settings read and checked together, handed on as one object (`config.jwt`, `config.patPolicy`). */
export interface SettingsGroup<S extends Settings = Settings> {
  /** Built on first use, so a bundle that never reads a group drops it (see `group`). */
  readonly settings: S;
  /** Rules across the group's settings; `nameOf` is what each was read under, for the message. */
  check?(values: ValuesOf<S>, nameOf: (key: keyof S) => string, problem: (message: string) => void): void;
}

export type Groups = { readonly [name: string]: SettingsGroup };
export type ConfigOf<G extends Groups> = { readonly [K in keyof G]: ValuesOf<G[K]['settings']> };
/** Some values of some groups: what a function's environment is written from. */
export type PartialConfigOf<G extends Groups> = {
  readonly [K in keyof G]?: Partial<ValuesOf<G[K]['settings']>>;
};

/**
 * A group of settings, built on first use. Called as `/* @__PURE__ *\/ group(() => ({...}))`, it is
 * a call esbuild may drop with its unread result, and its settings are built only inside the thunk:
 * a function's bundle then holds only the groups it reads.
 */
export function group<S extends Settings>(
  settings: () => S,
  check?: SettingsGroup<S>['check'],
): SettingsGroup<S> {
  let built: S | undefined;
  return {
    get settings() {
      built ??= settings();
      return built;
    },
    ...(check !== undefined ? { check } : {}),
  };
}

/** The name a setting is looked up under in a source: its variable (or the first fallback set), or its context key. */
function nameIn(setting: Setting<unknown>, scope: ReadScope): string | undefined {
  if (scope.source === 'context') return setting.context;
  const set = [setting.env, ...(setting.fallbackEnv ?? [])].find(
    (name) => scope.reader.optional(name) !== undefined,
  );
  return set ?? setting.env;
}

/** Every group's values; problems are left in `scope.reader` for the caller to throw. */
export function readGroups<G extends Groups>(groups: G, scope: ReadScope): ConfigOf<G> {
  const config: Record<string, unknown> = {};
  for (const [groupName, { settings, check }] of Object.entries(groups)) {
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {};
    for (const [key, setting] of Object.entries(settings)) {
      const name = nameIn(setting, scope);
      names[key] = name ?? key;
      values[key] = setting.read(name, scope);
    }
    check?.(
      values as never,
      (key) => names[key as string] ?? String(key),
      (message) => scope.reader.problem(message),
    );
    config[groupName] = values;
  }
  return config as ConfigOf<G>;
}

/** The environment variables that give a function `values` (each value that is set, in its text). */
export function environmentOf<G extends Groups>(
  groups: G,
  values: PartialConfigOf<G>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [groupName, { settings }] of Object.entries(groups)) {
    const given = values[groupName] as Record<string, unknown> | undefined;
    if (given === undefined) continue;
    for (const [key, setting] of Object.entries(settings)) {
      const value = given[key];
      if (value === undefined) continue;
      env[setting.env] =
        setting.format?.(value as NonNullable<unknown>) ??
        (Array.isArray(value) ? value.join(',') : String(value));
    }
  }
  return env;
}

/** Only the values of settings that have a CDK context key: what the stack hands its functions. */
export function contextValues<G extends Groups>(groups: G, config: PartialConfigOf<G>): PartialConfigOf<G> {
  return pick(groups, config, (setting) => setting.context !== undefined);
}

/** Every setting's `local` default: the base of `npm start`'s function environment. */
export function localValues<G extends Groups>(groups: G): PartialConfigOf<G> {
  const all = Object.fromEntries(
    Object.entries(groups).map(([name, { settings }]) => [
      name,
      Object.fromEntries(Object.entries(settings).map(([key, setting]) => [key, setting.local])),
    ]),
  );
  return pick(groups, all as PartialConfigOf<G>, (setting) => setting.local !== undefined);
}

function pick<G extends Groups>(
  groups: G,
  config: PartialConfigOf<G>,
  keep: (setting: Setting<unknown>) => boolean,
): PartialConfigOf<G> {
  const picked: Record<string, Record<string, unknown>> = {};
  for (const [groupName, { settings }] of Object.entries(groups)) {
    const given = config[groupName] as Record<string, unknown> | undefined;
    if (given === undefined) continue;
    picked[groupName] = Object.fromEntries(
      Object.entries(settings)
        .filter(([key, setting]) => keep(setting) && given[key] !== undefined)
        .map(([key]) => [key, given[key]]),
    );
  }
  return picked as PartialConfigOf<G>;
}

/** Whether the environment sets a setting (its variable or a fallback). */
export const isSet = (env: Readonly<Record<string, string | undefined>>, setting: Setting<unknown>) =>
  [setting.env, ...(setting.fallbackEnv ?? [])].some((name) => (env[name]?.trim() ?? '') !== '');

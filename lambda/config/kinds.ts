import { parseAwsEndpoint, parseKeySourceUrl } from '../adapters/url-policy';
import type { ReadScope, Setting } from './setting';

/** Where a setting is found: its variable and, when the CDK app takes it, its context key. */
interface Keys {
  readonly env: string;
  readonly fallbackEnv?: readonly string[];
  readonly context?: string;
}

type Read<T> = (name: string | undefined, scope: ReadScope) => T;

/** A setting of any kind: the keys, how it is read, and perhaps its `local` default and format. */
export function setting<T>(
  spec: Keys & {
    readonly default?: T;
    readonly local?: T;
    readonly format?: (value: NonNullable<T>) => string;
  },
  read: Read<T>,
): Setting<T> {
  const { env, fallbackEnv, context, local, format } = spec;
  return { env, fallbackEnv, context, default: spec.default, local, format, read };
}

/** Free text: required (what it holds, for the message), with a default, or optional. */
export function text(spec: Keys & { readonly required: string; readonly local?: string }): Setting<string>;
export function text(spec: Keys & { readonly default: string }): Setting<string>;
export function text(spec: Keys & { readonly local?: string }): Setting<string | undefined>;
export function text(
  spec: Keys & { readonly required?: string; readonly default?: string; readonly local?: string },
): Setting<string | undefined> {
  return setting(spec, (name, { reader }) =>
    spec.required !== undefined
      ? (reader.required(name, spec.required) ?? '')
      : (reader.optional(name) ?? spec.default),
  );
}

export function integer(
  spec: Keys & { readonly default: number; readonly min: number; readonly max: number },
): Setting<number> & { readonly default: number; readonly min: number; readonly max: number } {
  const { min, max } = spec;
  return {
    ...setting(spec, (name, { reader }) => {
      const text = reader.optional(name);
      if (text === undefined) return spec.default;
      // Decimal digits only: Number() alone would also take 0x10, 1e1 or 0b11.
      const parsed = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
      if (Number.isInteger(parsed) && parsed >= min && parsed <= max) return parsed;
      reader.problem(`${name} must be a whole number from ${min} to ${max}: got "${text}"`);
      return spec.default;
    }),
    default: spec.default,
    min,
    max,
  };
}

/** `true` only for the text `true`. */
export function flag(spec: Keys): Setting<boolean> {
  return setting(spec, (name, { reader }) => reader.optional(name) === 'true');
}

/** A comma-separated list (a list in the CDK context); `check` reports what is wrong with it. */
export function list(
  spec: Keys & {
    readonly default?: readonly string[];
    readonly required?: string;
    readonly local?: readonly string[];
    readonly check?: (items: readonly string[], name: string, problem: (message: string) => void) => void;
  },
): Setting<readonly string[]> {
  return setting(spec, (name, { reader }) => {
    const text = spec.required !== undefined ? reader.required(name, spec.required) : reader.optional(name);
    if (text === undefined || name === undefined) return spec.default ?? [];
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    spec.check?.(items, name, (message) => reader.problem(message));
    return items;
  });
}

const PLAIN_HTTP = {
  lambda: 'never in a deployed function',
  'sam-local': 'only for localhost, 127.0.0.0/8, [::1] or host.docker.internal',
  local: 'only for localhost, 127.0.0.0/8 or [::1]; host.docker.internal only inside sam local',
} as const;

/** A URL keys may be fetched from (`url-policy.ts`): https, or plain http to this machine outside AWS. */
export function keySourceUrl(spec: Keys & { readonly required: string }): Setting<string>;
export function keySourceUrl(spec: Keys): Setting<string | undefined>;
export function keySourceUrl(spec: Keys & { readonly required?: string }): Setting<string | undefined> {
  return setting(spec, (name, { reader, urlPolicy }) => {
    const value = spec.required !== undefined ? reader.required(name, spec.required) : reader.optional(name);
    if (value !== undefined && parseKeySourceUrl(value, urlPolicy) === undefined) {
      reader.problem(
        `${name} must be an https:// URL (http:// ${PLAIN_HTTP[urlPolicy.runtime]}): got "${value}"`,
      );
    }
    return spec.required !== undefined ? (value ?? '') : value;
  });
}

/** An AWS service's endpoint: an https AWS endpoint in a deployed function, any http(s) URL elsewhere. */
export function awsEndpoint(spec: Keys & { readonly example: string }): Setting<string | undefined> {
  return setting(spec, (name, { reader, urlPolicy }) => {
    const value = reader.optional(name);
    if (value !== undefined && parseAwsEndpoint(value, urlPolicy) === undefined) {
      reader.problem(
        urlPolicy.runtime === 'lambda'
          ? `${name} must be an https:// AWS endpoint in a deployed function (got "${value}")`
          : `${name} must be an http(s) URL, e.g. ${spec.example}; host.docker.internal only inside sam local (got "${value}")`,
      );
    }
    return value;
  });
}

/** A JSON value, refused with `example` when `valid` says no. */
export function json<T>(
  spec: Keys & {
    readonly default: T;
    readonly valid: (value: unknown) => value is T;
    readonly example: string;
  },
): Setting<T> {
  return setting({ ...spec, format: (value) => JSON.stringify(value) }, (name, { reader }) => {
    const text = reader.optional(name);
    if (text === undefined) return spec.default;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON: `value` stays undefined and is refused below.
    }
    if (spec.valid(value)) return value;
    reader.problem(`${name} must be ${spec.example} (got ${JSON.stringify(text)})`);
    return spec.default;
  });
}

/** One of a fixed set of words, any letter case; `aliases` maps other words onto them. */
export function oneOf<const W extends string>(
  spec: Keys & {
    readonly words: readonly W[];
    readonly default: W;
    readonly aliases?: Readonly<Record<string, W>>;
  },
): Setting<W> {
  return setting(spec, (name, { reader }) => {
    const text = reader.optional(name)?.toUpperCase();
    if (text === undefined) return spec.default;
    const word = spec.words.find((candidate) => candidate === (spec.aliases?.[text] ?? text));
    if (word === undefined) reader.problem(`${name} must be one of ${spec.words.join(', ')} (got "${text}")`);
    return word ?? spec.default;
  });
}

import { type FieldProblem, InvalidBodyError } from './errors';
import { DAY_MS, MIN_LIFETIME_MS, type PatPolicy } from './pat-policy';

/** What `POST /api/v1/pats` asks for, checked and normalised. */
export interface CreatePatRequest {
  readonly name: string;
  readonly scopes: readonly string[];
  /** RFC 3339 UTC with milliseconds; absent means "the default lifetime". */
  readonly expiresAt: string | undefined;
}

/** What `POST /api/v1/pats/{id}/rotate` asks for. */
export interface RotatePatRequest {
  readonly expiresAt: string | undefined;
}

export const MAX_NAME_LENGTH = 100;
const CREATE_FIELDS = new Set(['name', 'scopes', 'expiresAt']);
const ROTATE_FIELDS = new Set(['expiresAt']);

/**
 * Checks a create body against the contract and reports every problem at once, each with a JSON
 * pointer (RFC 6901) to the field: a client fixing its request sees all that is wrong in one go.
 */
export function readCreatePatRequest(body: unknown, policy: PatPolicy, now: number): CreatePatRequest {
  const problems: FieldProblem[] = [];
  const fields = asObject(body, problems);
  const name = readName(fields, problems);
  const scopes = readScopes(fields, policy, problems);
  const expiresAt = readExpiresAt(fields, policy, now, problems);
  unknownFields(fields, CREATE_FIELDS, problems);
  throwIfAny(problems);
  return { name: name as string, scopes: scopes as string[], expiresAt };
}

/** Checks a rotate body; no body at all, or `{}`, asks for nothing. */
export function readRotatePatRequest(body: unknown, policy: PatPolicy, now: number): RotatePatRequest {
  if (body === undefined) return { expiresAt: undefined };
  const problems: FieldProblem[] = [];
  const fields = asObject(body, problems);
  const expiresAt = readExpiresAt(fields, policy, now, problems);
  unknownFields(fields, ROTATE_FIELDS, problems);
  throwIfAny(problems);
  return { expiresAt };
}

function asObject(body: unknown, problems: FieldProblem[]): Record<string, unknown> {
  if (typeof body === 'object' && body !== null && !Array.isArray(body))
    return body as Record<string, unknown>;
  problems.push({ field: '', message: 'The body must be a JSON object.' });
  return {};
}

function unknownFields(
  fields: Record<string, unknown>,
  known: ReadonlySet<string>,
  problems: FieldProblem[],
) {
  for (const key of Object.keys(fields)) {
    if (!known.has(key)) problems.push({ field: pointer(key), message: 'is not a field of this request' });
  }
}

function readName(fields: Record<string, unknown>, problems: FieldProblem[]): string | undefined {
  const raw = fields.name;
  if (raw === undefined) return fail(problems, '/name', 'is required');
  if (typeof raw !== 'string') return fail(problems, '/name', 'must be a string');
  const name = raw.trim();
  const length = [...name].length;
  if (length === 0) return fail(problems, '/name', 'must not be empty');
  if (length > MAX_NAME_LENGTH)
    return fail(problems, '/name', `must be at most ${MAX_NAME_LENGTH} characters`);
  // Control and format characters (bidi overrides, zero-width) and line breaks make logs, consoles
  // and terminals show something else than what is stored; lone surrogates are not text.
  if (/\p{Cc}/u.test(name)) return fail(problems, '/name', 'must not contain control characters');
  if (/\p{Cf}/u.test(name)) return fail(problems, '/name', 'must not contain invisible format characters');
  if (/[\p{Zl}\p{Zp}]/u.test(name))
    return fail(problems, '/name', 'must not contain line or paragraph separators');
  if (!name.isWellFormed()) return fail(problems, '/name', 'must be well-formed Unicode text');
  if (!/[^\p{Z}\p{C}]/u.test(name)) return fail(problems, '/name', 'must contain a visible character');
  return name;
}

function readScopes(
  fields: Record<string, unknown>,
  policy: PatPolicy,
  problems: FieldProblem[],
): string[] | undefined {
  const raw = fields.scopes;
  if (raw === undefined) return fail(problems, '/scopes', 'is required');
  if (!Array.isArray(raw)) return fail(problems, '/scopes', 'must be an array of scopes');
  if (raw.length === 0) return fail(problems, '/scopes', 'must name at least one scope');
  const before = problems.length;
  const seen = new Set<string>();
  raw.forEach((scope: unknown, i) => {
    if (typeof scope !== 'string' || !policy.scopes.includes(scope)) {
      problems.push({ field: `/scopes/${i}`, message: `must be one of ${policy.scopes.join(', ')}` });
    } else if (seen.has(scope)) {
      problems.push({ field: `/scopes/${i}`, message: `repeats ${scope}` });
    } else {
      seen.add(scope);
    }
  });
  return problems.length === before ? (raw as string[]) : undefined;
}

function readExpiresAt(
  fields: Record<string, unknown>,
  policy: PatPolicy,
  now: number,
  problems: FieldProblem[],
): string | undefined {
  const raw = fields.expiresAt;
  if (raw === undefined) return undefined;
  const at = typeof raw === 'string' ? parseRfc3339(raw) : undefined;
  if (at === undefined) {
    return fail(
      problems,
      '/expiresAt',
      'must be an RFC 3339 date-time with an offset, e.g. 2027-01-31T00:00:00Z',
    );
  }
  if (at < now + MIN_LIFETIME_MS) return fail(problems, '/expiresAt', 'must be at least 1 hour from now');
  if (at > now + policy.maxLifetimeDays * DAY_MS) {
    return fail(problems, '/expiresAt', `must be at most ${policy.maxLifetimeDays} days from now`);
  }
  return new Date(at).toISOString();
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 `date-time` (section 5.6) as epoch milliseconds, or `undefined`: the offset is
 * required, and every field must exist on the calendar (no 30 February, no hour 24).
 */
export function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '', zulu, sign, oh, om] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as number[];
  const local = Date.UTC(
    year as number,
    (month as number) - 1,
    day,
    hour,
    minute,
    second,
    Number(fraction.padEnd(3, '0').slice(0, 3)),
  );
  // A field out of range rolls over into the next (30 February becomes 2 March, year 0099 becomes
  // 1999): the date-time exists only when it reads back as written.
  if (new Date(local).toISOString().slice(0, 19) !== `${y}-${mo}-${d}T${h}:${mi}:${s}`) return undefined;
  if (zulu !== undefined) return local;
  if (Number(oh) > 23 || Number(om) > 59) return undefined;
  const offset = (Number(oh) * 60 + Number(om)) * 60_000;
  return sign === '+' ? local - offset : local + offset;
}

/** A JSON pointer (RFC 6901) to a top-level member. */
function pointer(key: string): string {
  return `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function fail(problems: FieldProblem[], field: string, message: string): undefined {
  problems.push({ field, message });
  return undefined;
}

function throwIfAny(problems: FieldProblem[]): void {
  const [first, ...rest] = problems;
  if (first !== undefined) throw new InvalidBodyError([first, ...rest]);
}

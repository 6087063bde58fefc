import { InvalidBodyError } from '../../../lambda/domain/errors';
import type { PatPolicy } from '../../../lambda/domain/pat-policy';
import {
  parseRfc3339,
  readCreatePatRequest,
  readRotatePatRequest,
} from '../../../lambda/domain/pat-requests';

const policy: PatPolicy = {
  scopes: ['read', 'write'],
  defaultLifetimeDays: 30,
  maxLifetimeDays: 365,
  maxPerWorkspace: 100,
};
const now = Date.parse('2026-06-01T00:00:00.000Z');
const DAY = 86_400_000;

function problemsOf(read: () => unknown) {
  try {
    read();
  } catch (error) {
    if (error instanceof InvalidBodyError) return { message: error.message, errors: error.errors };
    throw error;
  }
  return undefined;
}

describe('readCreatePatRequest', () => {
  it('reads a valid body, trimming the name and keeping the scopes in order', () => {
    expect(readCreatePatRequest({ name: '  CI deploy ', scopes: ['write', 'read'] }, policy, now)).toEqual({
      name: 'CI deploy',
      scopes: ['write', 'read'],
      expiresAt: undefined,
    });
  });

  it('stores an expiry given with an offset in UTC with milliseconds', () => {
    const request = readCreatePatRequest(
      { name: 'n', scopes: ['read'], expiresAt: '2026-07-01T02:00:00+02:00' },
      policy,
      now,
    );

    expect(request.expiresAt).toBe('2026-07-01T00:00:00.000Z');
  });

  it('lists every problem with a JSON pointer, the message naming the first', () => {
    const problems = problemsOf(() =>
      readCreatePatRequest(
        { name: '', scopes: ['admin', 'read', 'read'], expiresAt: 'tomorrow', extra: 1, 'a/b~c': 2 },
        policy,
        now,
      ),
    );

    expect(problems?.errors).toEqual([
      { field: '/name', message: 'must not be empty' },
      { field: '/scopes/0', message: 'must be one of read, write' },
      { field: '/scopes/2', message: 'repeats read' },
      { field: '/expiresAt', message: expect.stringContaining('RFC 3339') },
      { field: '/extra', message: 'is not a field of this request' },
      { field: '/a~1b~0c', message: 'is not a field of this request' },
    ]);
    expect(problems?.message).toBe('/name: must not be empty');
  });

  it.each([
    [null, '', 'The body must be a JSON object.'],
    [[], '', 'The body must be a JSON object.'],
    ['text', '', 'The body must be a JSON object.'],
    [{ scopes: ['read'] }, '/name', 'is required'],
    [{ name: 7, scopes: ['read'] }, '/name', 'must be a string'],
    [{ name: '   ', scopes: ['read'] }, '/name', 'must not be empty'],
    [{ name: 'x'.repeat(101), scopes: ['read'] }, '/name', 'must be at most 100 characters'],
    [{ name: 'tab\there', scopes: ['read'] }, '/name', 'must not contain control characters'],
    [{ name: 'line\u0085break', scopes: ['read'] }, '/name', 'must not contain control characters'],
    [{ name: 'lone \ud800 surrogate', scopes: ['read'] }, '/name', 'must be well-formed Unicode text'],
    [
      { name: 'CI \u202Etpircs.exe', scopes: ['read'] },
      '/name',
      'must not contain invisible format characters',
    ],
    [{ name: '\u200B\u200B', scopes: ['read'] }, '/name', 'must not contain invisible format characters'],
    [{ name: 'a\u2028b', scopes: ['read'] }, '/name', 'must not contain line or paragraph separators'],
    [{ name: 'a\u2029b', scopes: ['read'] }, '/name', 'must not contain line or paragraph separators'],
    [{ name: '\u3000\u00A0', scopes: ['read'] }, '/name', 'must not be empty'],
    [{ name: '\uE000\uE001', scopes: ['read'] }, '/name', 'must contain a visible character'],
    [{ name: 'n' }, '/scopes', 'is required'],
    [{ name: 'n', scopes: 'read' }, '/scopes', 'must be an array of scopes'],
    [{ name: 'n', scopes: [] }, '/scopes', 'must name at least one scope'],
    [{ name: 'n', scopes: [1] }, '/scopes/0', 'must be one of read, write'],
  ])('refuses %j at %s', (body, field, message) => {
    expect(problemsOf(() => readCreatePatRequest(body, policy, now))?.errors).toContainEqual({
      field,
      message,
    });
  });

  it('counts characters, not UTF-16 units, against the name limit', () => {
    expect(readCreatePatRequest({ name: '🔑'.repeat(100), scopes: ['read'] }, policy, now).name).toHaveLength(
      200,
    );
  });

  it.each([
    ['less than an hour ahead', new Date(now + 3_599_999).toISOString(), 'must be at least 1 hour from now'],
    ['in the past', '2020-01-01T00:00:00Z', 'must be at least 1 hour from now'],
    [
      'beyond the maximum lifetime',
      new Date(now + 366 * DAY).toISOString(),
      'must be at most 365 days from now',
    ],
  ])('refuses an expiry %s', (_, expiresAt, message) => {
    expect(
      problemsOf(() => readCreatePatRequest({ name: 'n', scopes: ['read'], expiresAt }, policy, now))?.errors,
    ).toEqual([{ field: '/expiresAt', message }]);
  });

  it('accepts an expiry of exactly one hour and of exactly the maximum', () => {
    for (const at of [now + 3_600_000, now + 365 * DAY]) {
      const expiresAt = new Date(at).toISOString();
      expect(readCreatePatRequest({ name: 'n', scopes: ['read'], expiresAt }, policy, now).expiresAt).toBe(
        expiresAt,
      );
    }
  });
});

describe('readRotatePatRequest', () => {
  it('asks for nothing without a body or with {}', () => {
    expect(readRotatePatRequest(undefined, policy, now)).toEqual({ expiresAt: undefined });
    expect(readRotatePatRequest({}, policy, now)).toEqual({ expiresAt: undefined });
  });

  it('reads an expiry, and refuses any other field', () => {
    expect(readRotatePatRequest({ expiresAt: '2026-12-01T00:00:00Z' }, policy, now).expiresAt).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    expect(problemsOf(() => readRotatePatRequest({ name: 'new name' }, policy, now))?.errors).toEqual([
      { field: '/name', message: 'is not a field of this request' },
    ]);
  });
});

describe('parseRfc3339', () => {
  it.each([
    ['2027-01-31T00:00:00Z', Date.UTC(2027, 0, 31)],
    ['2027-01-31t00:00:00z', Date.UTC(2027, 0, 31)],
    ['2027-01-31T00:00:00.5Z', Date.UTC(2027, 0, 31, 0, 0, 0, 500)],
    ['2027-01-31T00:00:00.123456789Z', Date.UTC(2027, 0, 31, 0, 0, 0, 123)],
    ['2027-01-31T05:30:00+05:30', Date.UTC(2027, 0, 31)],
    ['2027-01-30T19:00:00-05:00', Date.UTC(2027, 0, 31)],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
    ['2027-01-31T23:59:00+23:59', Date.UTC(2027, 0, 31)],
    ['2027-01-30T00:01:00-23:59', Date.UTC(2027, 0, 31)],
  ])('reads %s', (text, expected) => {
    expect(parseRfc3339(text)).toBe(expected);
  });

  it.each([
    '2027-01-31',
    '2027-01-31T00:00:00',
    '2027-01-31 00:00:00Z',
    '2027-02-30T00:00:00Z',
    '2027-02-29T00:00:00Z',
    '2027-13-01T00:00:00Z',
    '2027-01-31T24:00:00Z',
    '2027-01-31T00:60:00Z',
    '2027-01-31T00:00:60Z',
    '2027-01-31T00:00:00+24:00',
    '2027-01-31T00:00:00+05:60',
    '0099-01-31T00:00:00Z',
    '+2027-01-31T00:00:00Z',
    ' 2027-01-31T00:00:00Z',
  ])('refuses %j', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});

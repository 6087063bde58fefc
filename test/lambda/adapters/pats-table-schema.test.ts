import { toPatRecord } from '../../../lambda/adapters/pats-table-schema';
import { CorruptPatItemError } from '../../../lambda/domain/errors';

/** Stored items checked against the contract's schema before they become records. */
describe('toPatRecord', () => {
  const key = { workspaceId: 'w', id: 'p' };
  const complete = {
    workspaceId: 'w',
    id: 'p',
    name: 'n',
    scopes: ['read'],
    tokenPrefix: 'pat_AbCd1234',
    createdAt: '2026-01-02T03:04:05.000Z',
  };
  function problems(item: Record<string, unknown>): readonly string[] {
    try {
      toPatRecord(item, key);
    } catch (error) {
      if (error instanceof CorruptPatItemError) return error.problems;
      throw error;
    }
    return [];
  }

  it('maps a complete item, leaving absent optional attributes out', () => {
    // Strict: an optional attribute present with the value undefined would differ from one left out.
    expect(toPatRecord(complete, key)).toStrictEqual(complete);
  });

  it('keeps optional attributes when present', () => {
    expect(toPatRecord({ ...complete, expiresAt: 'e', lastUsedAt: 'l', createdBy: 'c' }, key)).toMatchObject({
      expiresAt: 'e',
      lastUsedAt: 'l',
      createdBy: 'c',
    });
  });

  it('names every missing or mistyped attribute, with the key', () => {
    const { name: _n, scopes: _s, ...rest } = complete;
    const item = { ...rest, tokenPrefix: '', createdAt: 42, expiresAt: 7 };

    expect(problems(item)).toEqual([
      'name is missing',
      'tokenPrefix is not a non-empty string',
      'createdAt is not a non-empty string',
      'expiresAt is not a non-empty string',
      'scopes is missing',
    ]);
    expect(() => toPatRecord(item, key)).toThrow(expect.objectContaining({ key }));
    expect(() => toPatRecord(item, key)).toThrow(
      'Stored PAT item is invalid: name is missing; tokenPrefix is not a non-empty string; createdAt is not a non-empty string; expiresAt is not a non-empty string; scopes is missing',
    );
  });

  it.each(['name', 'tokenPrefix', 'createdAt'])('refuses an item without %s, naming it', (attribute) => {
    const item: Record<string, unknown> = { ...complete };
    delete item[attribute];

    expect(problems(item)).toEqual([`${attribute} is missing`]);
  });

  it('refuses scopes that are not a list of strings', () => {
    expect(problems({ ...complete, scopes: 'read' })).toEqual(['scopes is not a list of strings']);
    expect(problems({ ...complete, scopes: ['read', 1] })).toEqual(['scopes is not a list of strings']);
  });

  it('takes the key from the request, not from the item', () => {
    expect(toPatRecord({ ...complete, workspaceId: 'other', id: 'other' }, key)).toMatchObject(key);
  });
});

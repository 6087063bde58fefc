import { toPatRecord } from '../../../lambda/adapters/pat-repository';
import { CorruptPatItemError } from '../../../lambda/domain/errors';

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

describe('toPatRecord', () => {
  it('maps a complete item, leaving absent optional attributes out', () => {
    expect(toPatRecord(complete, key)).toEqual(complete);
    expect(Object.keys(toPatRecord(complete, key))).not.toContain('expiresAt');
  });

  it('keeps optional timestamps when present', () => {
    const record = toPatRecord({ ...complete, expiresAt: 'e', lastUsedAt: 'l' }, key);

    expect(record).toMatchObject({ expiresAt: 'e', lastUsedAt: 'l' });
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
  });

  it('refuses scopes that are not a list of strings', () => {
    expect(problems({ ...complete, scopes: 'read' })).toEqual(['scopes is not a list of strings']);
    expect(problems({ ...complete, scopes: ['read', 1] })).toEqual(['scopes is not a list of strings']);
  });

  it('takes the key from the request, not from the item', () => {
    expect(toPatRecord({ ...complete, workspaceId: 'other', id: 'other' }, key)).toMatchObject(key);
  });
});

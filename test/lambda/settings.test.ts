import { readPatPolicy, SettingsReader } from '../../lambda/settings';

function readerOf(settings: Record<string, unknown>): SettingsReader {
  return new SettingsReader((name) => settings[name]);
}

const POLICY_NAMES = {
  scopes: 'SCOPES',
  defaultLifetimeDays: 'DEFAULT_DAYS',
  maxLifetimeDays: 'MAX_DAYS',
  maxPerWorkspace: 'MAX_PATS',
};

describe('SettingsReader', () => {
  describe('optional', () => {
    it.each([
      ['absent', undefined],
      ['null (a CDK context key set to null)', null],
      ['empty', ''],
      ['blank', '  \t '],
    ])('treats a %s setting as not set', (_, value) => {
      expect(readerOf({ NAME: value }).optional('NAME')).toBeUndefined();
    });

    it('trims the value', () => {
      expect(readerOf({ NAME: '  pats  ' }).optional('NAME')).toBe('pats');
    });

    it('joins a CDK context list with commas', () => {
      expect(readerOf({ NAME: ['read', 'write'] }).optional('NAME')).toBe('read,write');
    });

    it('reads a number or a boolean from the CDK context as its text', () => {
      expect(readerOf({ A: 60, B: true }).optional('A')).toBe('60');
      expect(readerOf({ A: 60, B: true }).optional('B')).toBe('true');
    });
  });

  describe('required', () => {
    it('names the missing setting and what it holds', () => {
      const reader = readerOf({});

      expect(reader.required('TABLE', 'the table of the PATs')).toBeUndefined();
      expect(reader.problems).toEqual(['TABLE is required: the table of the PATs']);
    });

    it('reports nothing for a setting that is set', () => {
      const reader = readerOf({ TABLE: 'pats' });

      expect(reader.required('TABLE', 'the table of the PATs')).toBe('pats');
      expect(reader.problems).toEqual([]);
    });
  });

  describe('integer', () => {
    it.each([
      ['the lowest allowed', '1', 1],
      ['the highest allowed', '10', 10],
      ['a padded', ' 7 ', 7],
    ])('accepts %s value', (_, text, value) => {
      const reader = readerOf({ N: text });

      expect(reader.integer('N', 3, 1, 10)).toBe(value);
      expect(reader.problems).toEqual([]);
    });

    it('falls back to the default when the setting is absent', () => {
      expect(readerOf({}).integer('N', 3, 1, 10)).toBe(3);
    });

    it.each(['0', '11', '2.5', 'ten', '0x5', '1e1', '0b11', '-0'])(
      'refuses %s with the range and the value it got',
      (text) => {
        const reader = readerOf({ N: text });

        expect(reader.integer('N', 3, 1, 10)).toBe(3);
        expect(reader.problems).toEqual([`N must be a whole number from 1 to 10: got "${text}"`]);
      },
    );
  });

  describe('list', () => {
    it('splits on commas, trims the items and drops empty ones', () => {
      expect(readerOf({ L: ' a , b,,c ' }).list('L')).toEqual(['a', 'b', 'c']);
    });

    it('is empty when absent and no fallback is given', () => {
      expect(readerOf({}).list('L')).toEqual([]);
    });

    it('falls back when absent', () => {
      expect(readerOf({}).list('L', ['x'])).toEqual(['x']);
    });
  });

  it('collects every problem in the order they were found', () => {
    const reader = readerOf({ N: 'x' });
    reader.required('A', 'a');
    reader.integer('N', 1, 1, 2);
    reader.problem('something else');

    expect(reader.problems).toEqual([
      'A is required: a',
      'N must be a whole number from 1 to 2: got "x"',
      'something else',
    ]);
  });
});

describe('readPatPolicy', () => {
  function policyOf(settings: Record<string, unknown>) {
    const reader = readerOf(settings);
    return { policy: readPatPolicy(reader, POLICY_NAMES), problems: reader.problems };
  }

  it('accepts 50 scopes, the most a PAT may hold', () => {
    const scopes = Array.from({ length: 50 }, (_, index) => `scope${index}`);

    expect(policyOf({ SCOPES: scopes.join(',') })).toEqual({
      policy: expect.objectContaining({ scopes }),
      problems: [],
    });
  });

  it('refuses 51 scopes', () => {
    const scopes = Array.from({ length: 51 }, (_, index) => `scope${index}`);

    expect(policyOf({ SCOPES: scopes.join(',') }).problems).toEqual([
      'SCOPES must list 1 to 50 scopes, e.g. read,write',
    ]);
  });

  it('refuses a list with no scope in it', () => {
    expect(policyOf({ SCOPES: ' , ' }).problems).toEqual([
      'SCOPES must list 1 to 50 scopes, e.g. read,write',
    ]);
  });

  it('accepts a default lifetime equal to the maximum', () => {
    expect(policyOf({ DEFAULT_DAYS: '90', MAX_DAYS: '90' })).toEqual({
      policy: {
        scopes: ['read', 'write'],
        defaultLifetimeDays: 90,
        maxLifetimeDays: 90,
        maxPerWorkspace: 100,
      },
      problems: [],
    });
  });

  it('refuses a default lifetime one day longer than the maximum, naming both settings', () => {
    expect(policyOf({ DEFAULT_DAYS: '91', MAX_DAYS: '90' }).problems).toEqual([
      'DEFAULT_DAYS (91) must not exceed MAX_DAYS (90)',
    ]);
  });
});

import { integer, list } from '../../../lambda/config/kinds';
import { FUNCTION_SETTINGS, PAT_POLICY } from '../../../lambda/config/schema';
import {
  contextValues,
  environmentOf,
  isSet,
  localValues,
  readGroups,
  SettingsReader,
} from '../../../lambda/config/setting';

function readerOf(settings: Record<string, unknown>): SettingsReader {
  return new SettingsReader((name) => settings[name]);
}

const scopeOf = (reader: SettingsReader) =>
  ({ reader, source: 'env', urlPolicy: { runtime: 'local' } }) as const;

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

  it('collects every problem in the order they were found', () => {
    const reader = readerOf({ N: 'x' });
    reader.required('A', 'a');
    integer({ env: 'N', default: 1, min: 1, max: 2 }).read('N', scopeOf(reader));
    reader.problem('something else');

    expect(reader.problems).toEqual([
      'A is required: a',
      'N must be a whole number from 1 to 2: got "x"',
      'something else',
    ]);
  });
});

describe('an integer setting', () => {
  const number = integer({ env: 'N', default: 3, min: 1, max: 10 });

  it.each([
    ['the lowest allowed', '1', 1],
    ['the highest allowed', '10', 10],
    ['a padded', ' 7 ', 7],
  ])('accepts %s value', (_, text, value) => {
    const reader = readerOf({ N: text });

    expect(number.read('N', scopeOf(reader))).toBe(value);
    expect(reader.problems).toEqual([]);
  });

  it('falls back to the default when the setting is absent', () => {
    expect(number.read('N', scopeOf(readerOf({})))).toBe(3);
  });

  it.each(['0', '11', '2.5', 'ten', '0x5', '1e1', '0b11', '-0'])(
    'refuses %s with the range and the value it got',
    (text) => {
      const reader = readerOf({ N: text });

      expect(number.read('N', scopeOf(reader))).toBe(3);
      expect(reader.problems).toEqual([`N must be a whole number from 1 to 10: got "${text}"`]);
    },
  );
});

describe('a list setting', () => {
  it('splits on commas, trims the items and drops empty ones', () => {
    expect(list({ env: 'L' }).read('L', scopeOf(readerOf({ L: ' a , b,,c ' })))).toEqual(['a', 'b', 'c']);
  });

  it('is empty when absent and no fallback is given', () => {
    expect(list({ env: 'L' }).read('L', scopeOf(readerOf({})))).toEqual([]);
  });

  it('falls back when absent', () => {
    expect(list({ env: 'L', default: ['x'] }).read('L', scopeOf(readerOf({})))).toEqual(['x']);
  });
});

describe('the PAT rules (a group read and checked together)', () => {
  function policyOf(settings: Record<string, unknown>, source: 'env' | 'context' = 'env') {
    const reader = readerOf(settings);
    const { patPolicy } = readGroups(
      { patPolicy: PAT_POLICY },
      { reader, source, urlPolicy: { runtime: 'local' } },
    );
    return { policy: patPolicy, problems: reader.problems };
  }

  it('accepts 50 scopes, the most a PAT may hold', () => {
    const scopes = Array.from({ length: 50 }, (_, index) => `scope${index}`);

    expect(policyOf({ PAT_SCOPES: scopes.join(',') })).toEqual({
      policy: expect.objectContaining({ scopes }),
      problems: [],
    });
  });

  it('refuses 51 scopes', () => {
    const scopes = Array.from({ length: 51 }, (_, index) => `scope${index}`);

    expect(policyOf({ PAT_SCOPES: scopes.join(',') }).problems).toEqual([
      'PAT_SCOPES must list 1 to 50 scopes, e.g. read,write',
    ]);
  });

  it('refuses a list with no scope in it', () => {
    expect(policyOf({ PAT_SCOPES: ' , ' }).problems).toEqual([
      'PAT_SCOPES must list 1 to 50 scopes, e.g. read,write',
    ]);
  });

  it('accepts a default lifetime equal to the maximum', () => {
    expect(policyOf({ PAT_DEFAULT_LIFETIME_DAYS: '90', PAT_MAX_LIFETIME_DAYS: '90' })).toEqual({
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
    expect(policyOf({ PAT_DEFAULT_LIFETIME_DAYS: '91', PAT_MAX_LIFETIME_DAYS: '90' }).problems).toEqual([
      'PAT_DEFAULT_LIFETIME_DAYS (91) must not exceed PAT_MAX_LIFETIME_DAYS (90)',
    ]);
  });

  it('names the CDK context keys when read from the context', () => {
    expect(policyOf({ patDefaultLifetimeDays: 91, patMaxLifetimeDays: 90 }, 'context').problems).toEqual([
      'patDefaultLifetimeDays (91) must not exceed patMaxLifetimeDays (90)',
    ]);
  });

  it('takes a list from the CDK context as it takes a comma-separated variable', () => {
    expect(policyOf({ patScopes: ['read', 'deploy:prod'] }, 'context').policy.scopes).toEqual([
      'read',
      'deploy:prod',
    ]);
  });
});

describe('a function environment written from settings', () => {
  it('holds each value given, in the text its setting reads back', () => {
    expect(
      environmentOf(FUNCTION_SETTINGS, {
        jwt: { issuer: 'https://issuer.example.com', audiences: ['a', 'b'], jwksUri: undefined },
        patPolicy: { maxPerWorkspace: 5 },
        authorizer: { routeScopes: { 'GET /x': ['read'] } },
      }),
    ).toEqual({
      JWT_ISSUER: 'https://issuer.example.com',
      JWT_AUDIENCE: 'a,b',
      PAT_MAX_PER_WORKSPACE: '5',
      ROUTE_SCOPES: '{"GET /x":["read"]}',
    });
  });

  it('leaves out the groups a function does not read', () => {
    expect(
      environmentOf({ patPolicy: PAT_POLICY }, { jwt: { issuer: 'https://issuer.example.com' } } as never),
    ).toEqual({});
  });

  it('reads back what it wrote', () => {
    const written = environmentOf(FUNCTION_SETTINGS, {
      table: { name: 't' },
      audit: { tableName: 't-audit', retentionDays: 30 },
      events: { busName: 'b' },
      jwt: { issuer: 'https://issuer.example.com', audiences: ['a', 'b'] },
      patPolicy: { scopes: ['read', 'deploy:prod'], maxLifetimeDays: 90 },
    });
    const reader = readerOf(written);
    const config = readGroups(FUNCTION_SETTINGS, { reader, source: 'env', urlPolicy: { runtime: 'local' } });

    expect(reader.problems).toEqual([]);
    expect(config).toMatchObject({
      table: { name: 't' },
      audit: { tableName: 't-audit', retentionDays: 30 },
      events: { busName: 'b' },
      jwt: { issuer: 'https://issuer.example.com', audiences: ['a', 'b'] },
      patPolicy: { scopes: ['read', 'deploy:prod'], maxLifetimeDays: 90 },
    });
  });

  it('keeps only the settings a CDK context key can set', () => {
    expect(
      contextValues(FUNCTION_SETTINGS, {
        jwt: { issuer: 'https://issuer.example.com', leewaySeconds: 5 },
        dynamoDb: { maxAttempts: 4 },
      }),
    ).toEqual({ jwt: { issuer: 'https://issuer.example.com' }, dynamoDb: {} });
  });

  it("gives npm start's defaults: the local tables, audience, region and bus", () => {
    expect(environmentOf(FUNCTION_SETTINGS, localValues(FUNCTION_SETTINGS))).toEqual({
      TABLE_NAME: 'pats',
      AUDIT_TABLE_NAME: 'pats-audit',
      JWT_AUDIENCE: 'pats-api',
      AWS_REGION: 'us-east-1',
      EVENT_BUS_NAME: 'pats-api-local',
    });
  });

  it('tells whether a variable or its fallback is set', () => {
    const region = FUNCTION_SETTINGS.dynamoDb.settings.region;

    expect(isSet({ AWS_DEFAULT_REGION: 'eu-west-1' }, region)).toBe(true);
    expect(isSet({ AWS_REGION: ' ' }, region)).toBe(false);
  });
});

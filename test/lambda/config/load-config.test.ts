import { ConfigurationError, loadConfig } from '../../../lambda/config';
import { CONTEXT_ONLY_SETTINGS, FUNCTION_SETTINGS } from '../../../lambda/config/schema';

/** Every function setting, read as a function reads its own. */
const load = (env: Record<string, string>) => loadConfig(FUNCTION_SETTINGS, env);

const valid = {
  TABLE_NAME: 'pats',
  AUDIT_TABLE_NAME: 'pats-audit',
  JWT_ISSUER: 'https://issuer.example.com',
  JWT_AUDIENCE: 'pats-api',
  EVENT_BUS_NAME: 'pats-api',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('loadConfig of every function setting', () => {
  it('reads a minimal configuration with the documented defaults', () => {
    expect(load(valid)).toEqual({
      log: { level: 'INFO' },
      runtime: { samLocal: false, lambdaFunctionName: undefined },
      table: { name: 'pats' },
      audit: { tableName: 'pats-audit', retentionDays: 400 },
      jwt: {
        issuer: 'https://issuer.example.com',
        audiences: ['pats-api'],
        jwksUri: undefined,
        workspaceClaim: 'workspaces',
        leewaySeconds: 0,
        jwksMaxAgeSeconds: 3600,
        fetchTimeoutMs: 2000,
        jwksFailureTtlSeconds: 10,
      },
      dynamoDb: {
        endpoint: undefined,
        region: undefined,
        maxAttempts: 3,
        connectTimeoutMs: 500,
        requestTimeoutMs: 1500,
      },
      patPolicy: {
        scopes: ['read', 'write'],
        defaultLifetimeDays: 30,
        maxLifetimeDays: 365,
        maxPerWorkspace: 100,
      },
      authorizer: { lastUsedIntervalSeconds: 60, routeScopes: {} },
      expiry: { expiredRetentionDays: 30 },
      events: { busName: 'pats-api', endpoint: undefined },
    });
  });

  describe('the route scopes of the credential authorizer (ROUTE_SCOPES)', () => {
    it('reads a JSON object of route keys to scope lists', () => {
      const scopes = { 'GET /api/v1/reports': ['read'], 'POST /api/v1/deploys': ['write', 'deploy:prod'] };

      expect(load({ ...valid, ROUTE_SCOPES: JSON.stringify(scopes) }).authorizer.routeScopes).toEqual(scopes);
    });

    it.each([
      ['not JSON', '{"GET /x": ['],
      ['a list', '["read"]'],
      ['scopes that are not strings', '{"GET /x": [1]}'],
      ['a scope list that is a string', '{"GET /x": "read"}'],
      ['null', 'null'],
      ['a string', '"read"'],
      ['one good and one bad route', '{"GET /x": ["read"], "GET /y": "read"}'],
      ['a list holding a string and a number', '{"GET /x": ["read", 1]}'],
      ['a method in lower case', '{"get /x": ["read"]}'],
      ['a path alone', '{"/x": ["read"]}'],
      ['an unknown method', '{"FETCH /x": ["read"]}'],
      ['a scope that is no scope', '{"GET /x": ["Read"]}'],
    ])('refuses %s', (_, value) => {
      expect(problemsOf({ ...valid, ROUTE_SCOPES: value })).toEqual([
        `ROUTE_SCOPES must be a JSON object of route keys ("GET /path" or "$default") to scope lists, e.g. {"GET /api/v1/whoami":["read"]} (got ${JSON.stringify(value)})`,
      ]);
    });

    it('takes $default and ANY, as API Gateway writes them', () => {
      const scopes = { $default: [], 'ANY /api/v1/{proxy+}': ['write'] };

      expect(load({ ...valid, ROUTE_SCOPES: JSON.stringify(scopes) }).authorizer.routeScopes).toEqual(scopes);
    });
  });

  it('reports every bad value in one error', () => {
    const problems = problemsOf({
      ...valid,
      JWT_LEEWAY_SECONDS: '600',
      DYNAMODB_MAX_ATTEMPTS: 'many',
      PAT_MAX_PER_WORKSPACE: '0',
      PAT_LAST_USED_INTERVAL_SECONDS: '-1',
      ROUTE_SCOPES: '[]',
      LOG_LEVEL: 'LOUD',
    });

    for (const name of [
      'JWT_LEEWAY_SECONDS',
      'DYNAMODB_MAX_ATTEMPTS',
      'PAT_MAX_PER_WORKSPACE',
      'PAT_LAST_USED_INTERVAL_SECONDS',
      'ROUTE_SCOPES',
      'LOG_LEVEL',
    ]) {
      expect(problems.filter((problem) => problem.startsWith(name))).toHaveLength(1);
    }
    expect(problems).toHaveLength(6);
  });

  describe('the PAT rules', () => {
    it('reads the scopes, lifetimes and limit', () => {
      expect(
        load({
          ...valid,
          PAT_SCOPES: ' read , deploy:prod ',
          PAT_DEFAULT_LIFETIME_DAYS: '7',
          PAT_MAX_LIFETIME_DAYS: '90',
          PAT_MAX_PER_WORKSPACE: '5',
        }).patPolicy,
      ).toEqual({
        scopes: ['read', 'deploy:prod'],
        defaultLifetimeDays: 7,
        maxLifetimeDays: 90,
        maxPerWorkspace: 5,
      });
    });

    it.each([
      [{ PAT_SCOPES: ',' }, 'PAT_SCOPES must list 1 to 50 scopes'],
      [{ PAT_SCOPES: 'read,Write' }, 'PAT_SCOPES holds "Write"'],
      [{ PAT_SCOPES: 'read,read' }, 'PAT_SCOPES repeats a scope'],
      [{ PAT_DEFAULT_LIFETIME_DAYS: '0' }, 'PAT_DEFAULT_LIFETIME_DAYS must be a whole number'],
      [
        { PAT_DEFAULT_LIFETIME_DAYS: '400' },
        'PAT_DEFAULT_LIFETIME_DAYS (400) must not exceed PAT_MAX_LIFETIME_DAYS (365)',
      ],
      [{ PAT_MAX_PER_WORKSPACE: '0' }, 'PAT_MAX_PER_WORKSPACE must be a whole number'],
      [{ PAT_LAST_USED_INTERVAL_SECONDS: '0' }, 'PAT_LAST_USED_INTERVAL_SECONDS must be a whole number'],
    ])('refuses %p', (env, message) => {
      expect(problemsOf({ ...valid, ...env })).toEqual([expect.stringContaining(message)]);
    });
  });

  it.each([
    [{ AWS_LAMBDA_LOG_LEVEL: 'WARN', LOG_LEVEL: 'DEBUG' }, 'WARN'],
    [{ LOG_LEVEL: 'debug' }, 'DEBUG'],
    [{ AWS_LAMBDA_LOG_LEVEL: 'TRACE' }, 'DEBUG'],
    [{ AWS_LAMBDA_LOG_LEVEL: 'FATAL' }, 'ERROR'],
  ])('takes the log level from Lambda first, then LOG_LEVEL (%p)', (env, level) => {
    expect(load({ ...valid, ...env }).log.level).toBe(level);
  });

  it('refuses an unknown log level, listing the known ones', () => {
    expect(problemsOf({ ...valid, LOG_LEVEL: 'loud' })).toEqual([
      'LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR, SILENT (got "LOUD")',
    ]);
  });

  describe('a route that reads only the authorizer context', () => {
    const loadLog = (env: Record<string, string>) => loadConfig(CONTEXT_ONLY_SETTINGS, env);

    it('needs no variable and logs at INFO by default', () => {
      expect(loadLog({})).toEqual({ log: { level: 'INFO' } });
    });

    it.each([
      [{ AWS_LAMBDA_LOG_LEVEL: 'TRACE', LOG_LEVEL: 'ERROR' }, 'DEBUG'],
      [{ AWS_LAMBDA_LOG_LEVEL: 'FATAL' }, 'ERROR'],
      [{ LOG_LEVEL: 'warn' }, 'WARN'],
    ])('takes the log level the same way as the other functions (%p)', (env, level) => {
      expect(loadLog(env)).toEqual({ log: { level } });
    });

    it('refuses an unknown log level with a ConfigurationError', () => {
      expect(() => loadLog({ LOG_LEVEL: 'LOUD' })).toThrow(
        new ConfigurationError(['LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR, SILENT (got "LOUD")']),
      );
    });
  });

  it.each(['TABLE_NAME', 'JWT_ISSUER', 'JWT_AUDIENCE'])('fails naming %s when it is missing', (name) => {
    const env: Record<string, string> = { ...valid };
    delete env[name];

    expect(problemsOf(env)).toEqual([expect.stringMatching(new RegExp(`^${name} is required`))]);
  });

  it('names every missing variable at once, each with what it holds', () => {
    let thrown: unknown;
    try {
      load({});
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as Error).name).toBe('ConfigurationError');
    expect((thrown as Error).message).toBe(
      [
        'Invalid configuration:',
        '  - TABLE_NAME is required: the DynamoDB table holding the PATs, e.g. pats',
        '  - AUDIT_TABLE_NAME is required: the DynamoDB table holding the audit records, e.g. pats-audit',
        '  - JWT_ISSUER is required: the exact `iss` of accepted tokens, e.g. https://issuer.example.com',
        '  - JWT_AUDIENCE is required: comma-separated audiences of this API, e.g. pats-api',
        '  - EVENT_BUS_NAME is required: the EventBridge bus the records are published to, e.g. pats-api',
      ].join('\n'),
    );
  });

  it('reads every tunable from its documented variable', () => {
    const config = load({
      ...valid,
      JWKS_URI: 'https://issuer.example.com/keys',
      WORKSPACE_CLAIM: 'tenants',
      JWT_LEEWAY_SECONDS: '5',
      JWKS_MAX_AGE_SECONDS: '600',
      JWKS_FETCH_TIMEOUT_MS: '800',
      JWKS_FAILURE_CACHE_SECONDS: '20',
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      AWS_REGION: 'eu-west-1',
      DYNAMODB_MAX_ATTEMPTS: '5',
      DYNAMODB_CONNECT_TIMEOUT_MS: '700',
      DYNAMODB_REQUEST_TIMEOUT_MS: '2500',
      PAT_LAST_USED_INTERVAL_SECONDS: '600',
    });

    expect(config).toMatchObject({
      jwt: {
        jwksUri: 'https://issuer.example.com/keys',
        workspaceClaim: 'tenants',
        leewaySeconds: 5,
        jwksMaxAgeSeconds: 600,
        fetchTimeoutMs: 800,
        jwksFailureTtlSeconds: 20,
      },
      dynamoDb: {
        endpoint: 'http://localhost:8000',
        region: 'eu-west-1',
        maxAttempts: 5,
        connectTimeoutMs: 700,
        requestTimeoutMs: 2500,
      },
      authorizer: { lastUsedIntervalSeconds: 600 },
    });
  });

  it.each([
    [{ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-2' }, 'eu-west-1'],
    [{ AWS_DEFAULT_REGION: 'us-east-2' }, 'us-east-2'],
  ])('takes the region from AWS_REGION, then AWS_DEFAULT_REGION (%p)', (env, region) => {
    expect(load({ ...valid, ...env }).dynamoDb.region).toBe(region);
  });

  it('splits and trims a comma-separated audience list', () => {
    expect(load({ ...valid, JWT_AUDIENCE: ' a , b,,c ' }).jwt.audiences).toEqual(['a', 'b', 'c']);
  });

  it('refuses an audience list with no audience in it', () => {
    expect(problemsOf({ ...valid, JWT_AUDIENCE: ' , ' })).toEqual([expect.stringContaining('JWT_AUDIENCE')]);
  });

  it.each([
    'http://issuer.example.com',
    'http://10.0.0.1',
    'ftp://issuer.example.com',
    'issuer.example.com',
    'https://user:pass@issuer.example.com',
    'https://user@issuer.example.com',
    'https://:pass@issuer.example.com',
    'http://evil127.0.0.1',
    'http://127.0.0.1.evil.example.com',
    'http://localhost.evil.example.com',
  ])('refuses %s as issuer', (issuer) => {
    expect(problemsOf({ ...valid, JWT_ISSUER: issuer })).toEqual([
      expect.stringContaining('JWT_ISSUER must be'),
    ]);
  });

  it.each([
    'http://localhost:9000',
    'http://127.0.0.1:9000',
    'http://127.1.2.3',
    'http://127.100.200.254:9000',
    'http://[::1]:9000',
  ])('accepts the loopback issuer %s over plain HTTP', (issuer) => {
    expect(load({ ...valid, JWT_ISSUER: issuer }).jwt.issuer).toBe(issuer);
  });

  describe('where the function runs', () => {
    const samLocal = { AWS_SAM_LOCAL: 'true', AWS_LAMBDA_FUNCTION_NAME: 'GetPat' };
    const deployed = { AWS_LAMBDA_FUNCTION_NAME: 'GetPat' };

    it('accepts host.docker.internal over plain HTTP only inside sam local', () => {
      const env = { ...valid, JWKS_URI: 'http://host.docker.internal:8001/jwks.json' };

      expect(load({ ...env, ...samLocal }).jwt.jwksUri).toBe(env.JWKS_URI);
      expect(problemsOf(env)).toEqual([expect.stringContaining('JWKS_URI must be')]);
      expect(problemsOf({ ...env, ...deployed })).toEqual([expect.stringContaining('JWKS_URI must be')]);
    });

    it.each([
      [
        deployed,
        'JWT_ISSUER must be an https:// URL (http:// never in a deployed function): got "http://keys.example.com"',
      ],
      [
        samLocal,
        'JWT_ISSUER must be an https:// URL (http:// only for localhost, 127.0.0.0/8, [::1] or host.docker.internal): got "http://keys.example.com"',
      ],
      [
        {},
        'JWT_ISSUER must be an https:// URL (http:// only for localhost, 127.0.0.0/8 or [::1]; host.docker.internal only inside sam local): got "http://keys.example.com"',
      ],
    ])('says where plain HTTP is allowed (%p)', (where, message) => {
      expect(problemsOf({ ...valid, ...where, JWT_ISSUER: 'http://keys.example.com' })).toEqual([message]);
    });

    it('refuses plain HTTP to loopback in a deployed function', () => {
      expect(problemsOf({ ...valid, ...deployed, JWT_ISSUER: 'http://127.0.0.1:9001' })).toEqual([
        expect.stringContaining('never in a deployed function'),
      ]);
    });

    it('says a deployed function needs an AWS endpoint, and the local API an http(s) URL', () => {
      expect(problemsOf({ ...valid, ...deployed, DYNAMODB_ENDPOINT: 'http://localhost:8000' })).toEqual([
        'DYNAMODB_ENDPOINT must be an https:// AWS endpoint in a deployed function (got "http://localhost:8000")',
      ]);
      expect(problemsOf({ ...valid, DYNAMODB_ENDPOINT: 'localhost:8000' })).toEqual([
        'DYNAMODB_ENDPOINT must be an http(s) URL, e.g. http://localhost:8000; host.docker.internal only inside sam local (got "localhost:8000")',
      ]);
    });

    it('accepts a host.docker.internal DYNAMODB_ENDPOINT only inside sam local', () => {
      const env = { ...valid, DYNAMODB_ENDPOINT: 'http://host.docker.internal:8000' };

      expect(load({ ...env, ...samLocal }).dynamoDb.endpoint).toBe(env.DYNAMODB_ENDPOINT);
      expect(problemsOf(env)).toEqual([expect.stringContaining('DYNAMODB_ENDPOINT')]);
      expect(problemsOf({ ...env, ...deployed })).toEqual([expect.stringContaining('DYNAMODB_ENDPOINT')]);
    });

    it.each([
      ['http://localhost:8000', false],
      ['http://dynamodb.us-east-1.amazonaws.com', false],
      ['https://dynamodb.evil.example.com', false],
      ['https://dynamodb-fips.us-east-1.amazonaws.com', true],
      ['https://vpce-1a2b.dynamodb.eu-west-1.vpce.amazonaws.com', true],
    ])('in a deployed function, takes %s as DYNAMODB_ENDPOINT: %p', (endpoint, accepted) => {
      expect(problemsOf({ ...valid, ...deployed, DYNAMODB_ENDPOINT: endpoint })).toEqual(
        accepted ? [] : [expect.stringContaining('https:// AWS endpoint')],
      );
    });
  });

  it('applies the same rule to JWKS_URI', () => {
    expect(problemsOf({ ...valid, JWKS_URI: 'http://keys.example.com/jwks.json' })).toEqual([
      expect.stringContaining('JWKS_URI must be'),
    ]);
  });

  it.each([
    ['JWT_LEEWAY_SECONDS', '61'],
    ['JWT_LEEWAY_SECONDS', '-1'],
    ['JWKS_MAX_AGE_SECONDS', '7200'],
    ['JWKS_FAILURE_CACHE_SECONDS', '31'],
    ['JWKS_FAILURE_CACHE_SECONDS', '0'],
    ['DYNAMODB_MAX_ATTEMPTS', '0'],
    ['DYNAMODB_REQUEST_TIMEOUT_MS', 'fast'],
  ])('refuses %s=%s', (name, value) => {
    expect(problemsOf({ ...valid, [name]: value })).toEqual([expect.stringContaining(name)]);
  });

  it.each(['localhost:8000', 'not a url', 'http://'])('refuses %p as DYNAMODB_ENDPOINT', (endpoint) => {
    expect(problemsOf({ ...valid, DYNAMODB_ENDPOINT: endpoint })).toEqual([
      expect.stringContaining('DYNAMODB_ENDPOINT'),
    ]);
  });

  it.each(['not a url', 'https://', 'ftp://localhost:9000'])('refuses %p as JWT_ISSUER', (issuer) => {
    expect(problemsOf({ ...valid, JWT_ISSUER: issuer })).toEqual([
      expect.stringContaining('JWT_ISSUER must be'),
    ]);
  });
});

import { EmfMetrics, PATS_METRICS } from '../../lambda/adapters/emf-metrics';
import { JsonLogger } from '../../lambda/adapters/json-logger';
import { JwtAuthenticator } from '../../lambda/adapters/jwt-authenticator';
import { DynamoDbPatCredentials } from '../../lambda/adapters/pat-credentials';
import { authorizerDependencies } from '../../lambda/authorizer/dependencies';
import { loadConfig } from '../../lambda/config';
import { FUNCTION_SETTINGS } from '../../lambda/config/schema';
import { patRouteDependencies } from '../../lambda/dependencies';

/** The composition root's defaults, seen through what it hands the handlers. */
const config = loadConfig(FUNCTION_SETTINGS, {
  TABLE_NAME: 'pats',
  AUDIT_TABLE_NAME: 'pats-audit',
  EVENT_BUS_NAME: 'pats-api',
  JWT_ISSUER: 'https://issuer.example.com',
  JWT_AUDIENCE: 'pats-api',
  WORKSPACE_CLAIM: 'tenants',
  PAT_LAST_USED_INTERVAL_SECONDS: '300',
  ROUTE_SCOPES: '{"GET /api/v1/reports":["read"]}',
});

function observed() {
  const lines: string[] = [];
  const write = (line: string) => lines.push(line);
  return {
    logger: new JsonLogger({ serviceName: 'pats-api', write }),
    metrics: new EmfMetrics({
      namespace: PATS_METRICS.namespace,
      defaultDimensions: { Service: PATS_METRICS.service },
      definitions: PATS_METRICS.definitions,
      write,
      now: () => 0,
    }),
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('authorizerDependencies', () => {
  it('checks JWTs with the JWT rules and PATs against the table, unless told otherwise', () => {
    const deps = authorizerDependencies(config);

    expect(deps.authenticator).toBeInstanceOf(JwtAuthenticator);
    expect(deps.credentials).toBeInstanceOf(DynamoDbPatCredentials);
  });

  it('takes the workspace claim, the last-used interval and the route scopes from the configuration', () => {
    expect(authorizerDependencies(config)).toMatchObject({
      workspaceClaim: 'tenants',
      lastUsedIntervalSeconds: 300,
      routeScopes: { 'GET /api/v1/reports': ['read'] },
    });
  });

  it('logs a failed lastUsedAt write as a warning naming the PAT and the error class, and counts it', () => {
    const { logger, metrics, records } = observed();
    const deps = authorizerDependencies(config, { logger, metrics });

    deps.onLastUsedFailure(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }), {
      workspaceId: 'w-1',
      patId: 'p-1',
    });
    metrics.flush();

    expect(records()).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'lastUsedAt not written',
        workspaceId: 'w-1',
        patId: 'p-1',
        error: { name: 'ThrottlingException' },
      }),
      expect.objectContaining({ LastUsedWriteFailed: 1, Service: 'pats-api' }),
    ]);
  });
});

describe('patRouteDependencies', () => {
  it('draws the requested number of random bytes', () => {
    const { random } = patRouteDependencies(config);

    const [a, b] = [random(32), random(32)];

    expect(a).toBeInstanceOf(Uint8Array);
    expect(a).toHaveLength(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('makes ids that carry the time of its clock (UUIDv7)', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
    const { ids } = patRouteDependencies(config, { clock: { now: () => at } });

    const id = ids.next();

    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    expect(id[14]).toBe('7');
  });
});

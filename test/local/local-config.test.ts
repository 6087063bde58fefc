import { LocalConfigError, loadLocalConfig } from '../../local/local-config';

/** `npm start`'s own settings: defaults, and every bad value reported in one error. */
it('reads the defaults of the contract', () => {
  const config = loadLocalConfig({});

  expect(config).toMatchObject({
    port: 8080,
    dynamoDbPort: 8000,
    devIssuerPort: 8001,
    bindHosts: ['127.0.0.1'],
    gateway: { authorizerCacheSeconds: 60, corsAllowedOrigins: [] },
    externalIssuer: false,
    externalStore: false,
    functions: {
      table: { name: 'pats' },
      jwt: { issuer: 'http://localhost:8001', audiences: ['pats-api'], workspaceClaim: 'workspaces' },
    },
  });
});

it('reads AUTHORIZER_CACHE_SECONDS from 0 (no cache) to 3600', () => {
  expect(loadLocalConfig({ AUTHORIZER_CACHE_SECONDS: '0' }).gateway.authorizerCacheSeconds).toBe(0);
  expect(loadLocalConfig({ AUTHORIZER_CACHE_SECONDS: '3600' }).gateway.authorizerCacheSeconds).toBe(3600);
});

it('reports every bad value in one error', () => {
  let message = '';
  try {
    loadLocalConfig({
      PORT: '99999',
      DYNAMODB_PORT: 'x',
      AUTHORIZER_CACHE_SECONDS: '3601',
      LOCAL_BIND_HOST: '0.0.0.0',
      JWT_ISSUER: 'https://issuer.example.com',
    });
  } catch (error) {
    expect(error).toBeInstanceOf(LocalConfigError);
    message = (error as Error).message;
  }

  for (const name of [
    'PORT',
    'DYNAMODB_PORT',
    'AUTHORIZER_CACHE_SECONDS',
    'LOCAL_BIND_HOST',
    'JWT_AUDIENCE',
  ]) {
    expect(message).toContain(name);
  }
  expect(message.split('; ')).toHaveLength(6);
});

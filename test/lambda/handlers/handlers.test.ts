import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { authorizerDependencies } from '../../../lambda/authorizer/dependencies';
import { loadConfig } from '../../../lambda/config';
import { FUNCTION_SETTINGS } from '../../../lambda/config/schema';
import { patRouteDependencies } from '../../../lambda/dependencies';
import { entryOf, FUNCTIONS, ROUTES } from '../../../lib/routes';
import { authorizerEvent, lambdaContext } from '../../../local/aws-payloads';
import { DEMO, seedDemo } from '../../../local/demo';
import { demoWorld, sampleEvent } from '../../../local/sample-events';
import { bodyOf, routeEvent, startBackends } from '../../support/harness';
import { LogCapture } from '../../support/logs';
import { startPatApi } from '../../support/pat-api';

/**
 * The Lambda entry points themselves (`lambda/handlers/<entry>.ts`): configuration read from the
 * environment once, at import (init), then the route served.
 */
const savedEnv = process.env;
const logs = new LogCapture();

afterEach(() => {
  process.env = savedEnv;
  logs.stop();
});

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body?: string }>;

function importHandler(entry: string): Handler {
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    handler = require(`../../../lambda/handlers/${entry}`).handler;
  });
  if (handler === undefined) throw new Error(`lambda/handlers/${entry} exports no handler`);
  return handler;
}

const MANAGEMENT_ROUTES = ROUTES.filter((route) => route.authorizer === 'jwt');

/** The demo's PATs seeded in the backends' table, and the demo world of the sample events there. */
async function demoWorldIn(backends: Awaited<ReturnType<typeof startBackends>>) {
  const config = loadConfig(FUNCTION_SETTINGS, backends.env({ LOG_LEVEL: 'SILENT' }));
  const patToken = await seedDemo(patRouteDependencies(config), {
    credentials: authorizerDependencies(config).credentials,
    savedToken: undefined,
  });
  const token = backends.issuer.token([DEMO.workspaceId], { sub: DEMO.subject });
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  return demoWorld({ token, claims, patToken });
}

describe.each(FUNCTIONS.map((fn) => [entryOf(fn)] as const))('lambda/handlers/%s', (entry) => {
  it('exists for its function', () => {
    expect(existsSync(join(__dirname, '..', '..', '..', 'lambda', 'handlers', `${entry}.ts`))).toBe(true);
  });
});

describe.each(MANAGEMENT_ROUTES.map((route) => [entryOf(route), route] as const))(
  'lambda/handlers/%s (a management route)',
  (entry, route) => {
    it('fails at init with one message naming every missing variable', () => {
      process.env = { PATH: savedEnv.PATH };

      expect(() => importHandler(entry)).toThrow(
        /TABLE_NAME is required[\s\S]*JWT_ISSUER is required[\s\S]*JWT_AUDIENCE is required/,
      );
    });

    it('answers each of its sample events as the sample says, configured from the environment', async () => {
      const backends = await startBackends();
      try {
        const world = await demoWorldIn(backends);
        process.env = { ...savedEnv, ...backends.env() };
        logs.start();
        const handler = importHandler(entry);

        const statuses = [];
        for (const sample of route.samples) {
          statuses.push((await handler(sampleEvent(route, sample, world), lambdaContext())).statusCode);
        }

        expect(statuses).toEqual(route.samples.map((sample) => sample.status));
      } finally {
        await backends.stop();
      }
    });
  },
);

describe('lambda/handlers/create-pat', () => {
  it('applies the PAT rules it read from the environment', async () => {
    const backends = await startBackends();
    try {
      process.env = { ...savedEnv, ...backends.env({ PAT_SCOPES: 'read' }) };
      logs.start();
      const handler = importHandler('create-pat');
      const workspace = '11111111-1111-4111-8111-111111111111';

      const result = await handler(
        routeEvent('createPat', {
          workspace,
          token: backends.issuer.token([workspace]),
          body: { name: 'n', scopes: ['write'] },
        }),
        lambdaContext(),
      );

      expect(result.statusCode).toBe(400);
      expect(bodyOf(result as never)).toMatchObject({ errors: [{ field: '/scopes/0' }] });
    } finally {
      await backends.stop();
    }
  });
});

describe('lambda/handlers/whoami', () => {
  it('needs no table and no issuer: it reads only the authorizer context', async () => {
    process.env = { PATH: savedEnv.PATH, LOG_LEVEL: 'SILENT' };
    logs.start();
    const handler = importHandler('whoami');

    const result = await handler(
      routeEvent('whoami', {
        token: 'ignored',
        lambdaAuthorizer: {
          tokenType: 'user',
          subject: 'user-1',
          workspaces: 'w1 w2',
          expiresAt: '2099-01-01T00:00:00.000Z',
        },
      }),
      lambdaContext(),
    );

    expect(result.statusCode).toBe(200);
    expect(bodyOf(result as never)).toEqual({
      data: { tokenType: 'user', subject: 'user-1', workspaces: ['w1', 'w2'] },
    });
  });

  it('fails at init when its log level is not one', () => {
    process.env = { PATH: savedEnv.PATH, LOG_LEVEL: 'LOUD' };

    expect(() => importHandler('whoami')).toThrow(/LOG_LEVEL must be one of/);
  });
});

describe('lambda/handlers/authorizer', () => {
  it('fails at init with one message naming every missing or bad variable', () => {
    process.env = { PATH: savedEnv.PATH, ROUTE_SCOPES: '["read"]' };

    expect(() => importHandler('authorizer')).toThrow(
      /TABLE_NAME is required[\s\S]*JWT_ISSUER is required[\s\S]*JWT_AUDIENCE is required[\s\S]*ROUTE_SCOPES/,
    );
  });

  it('applies the route scopes it read from the environment', async () => {
    const api = await startPatApi();
    try {
      const workspace = api.newWorkspace();
      const readOnly = await api.create(workspace, { scopes: ['read'] });
      process.env = {
        ...savedEnv,
        ...api.env({ ROUTE_SCOPES: JSON.stringify({ 'GET /api/v1/whoami': ['write'] }) }),
      };
      logs.start();
      const handler = importHandler('authorizer') as unknown as (
        event: unknown,
        context: unknown,
      ) => Promise<{ isAuthorized: boolean }>;
      const event = (token: string) =>
        authorizerEvent({
          routeKey: 'GET /api/v1/whoami',
          rawPath: '/api/v1/whoami',
          headers: { authorization: `Bearer ${token}` },
        });

      // A JWT is not limited by PAT scopes; the PAT lacks the scope the environment asks for.
      expect(await handler(event(api.token([workspace])), lambdaContext())).toMatchObject({
        isAuthorized: true,
      });
      expect(await handler(event(readOnly.token), lambdaContext())).toMatchObject({ isAuthorized: false });
    } finally {
      await api.stop();
    }
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTES } from '../../../lib/routes';
import { authorizerEvent, lambdaContext } from '../../../local/aws-payloads';
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

describe.each(ROUTES.map((route) => [route.entry, route] as const))('lambda/handlers/%s', (entry) => {
  it('exists for its route', () => {
    expect(existsSync(join(__dirname, '..', '..', '..', 'lambda', 'handlers', `${entry}.ts`))).toBe(true);
  });
});

describe.each(MANAGEMENT_ROUTES.map((route) => [route.entry, route] as const))(
  'lambda/handlers/%s (a management route)',
  (entry, route) => {
    it('fails at init with one message naming every missing variable', () => {
      process.env = { PATH: savedEnv.PATH };

      expect(() => importHandler(entry)).toThrow(
        /TABLE_NAME is required[\s\S]*JWT_ISSUER is required[\s\S]*JWT_AUDIENCE is required/,
      );
    });

    it('serves its route with the configuration it read from the environment', async () => {
      const backends = await startBackends();
      try {
        process.env = { ...savedEnv, ...backends.env({ PAT_SCOPES: 'read' }) };
        logs.start();
        const handler = importHandler(entry);
        const workspace = '11111111-1111-4111-8111-111111111111';

        const result = await handler(
          routeEvent(route.name, {
            workspace,
            token: backends.issuer.token([workspace]),
            id: '01936d3a-7c00-7000-8000-0000000000ff',
            ...(route.body === 'required' ? { body: { name: 'n', scopes: ['write'] } } : {}),
          }),
          lambdaContext(),
        );

        // Each answer says the handler read the environment: its table, its issuer, its PAT_SCOPES.
        const expected: Record<string, number> = {
          listPats: 200,
          createPat: 400,
          getPat: 404,
          revokePat: 404,
          rotatePat: 404,
        };
        expect(result.statusCode).toBe(expected[route.name]);
        if (route.name === 'createPat') {
          expect(bodyOf(result as never)).toMatchObject({ errors: [{ field: '/scopes/0' }] });
        }
      } finally {
        await backends.stop();
      }
    });
  },
);

describe('lambda/handlers/whoami', () => {
  it('needs no table and no issuer: it reads only the authorizer context', async () => {
    process.env = { PATH: savedEnv.PATH, LOG_LEVEL: 'SILENT' };
    logs.start();
    const handler = importHandler('whoami');

    const result = await handler(
      routeEvent('whoami', {
        token: 'ignored',
        lambdaAuthorizer: { tokenType: 'user', subject: 'user-1', workspaces: 'w1 w2' },
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

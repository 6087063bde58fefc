import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTES } from '../../../lib/routes';
import { lambdaContext } from '../../../local/aws-payloads';
import { bodyOf, routeEvent, startBackends } from '../../support/harness';
import { LogCapture } from '../../support/logs';

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

describe.each(ROUTES.map((route) => [route.entry, route] as const))('lambda/handlers/%s', (entry, route) => {
  it('exists for its route', () => {
    expect(existsSync(join(__dirname, '..', '..', '..', 'lambda', 'handlers', `${entry}.ts`))).toBe(true);
  });

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
      const expected = { listPats: 200, createPat: 400, getPat: 404, revokePat: 404, rotatePat: 404 }[
        route.name
      ];
      expect(result.statusCode).toBe(expected);
      if (route.name === 'createPat') {
        expect(bodyOf(result as never)).toMatchObject({ errors: [{ field: '/scopes/0' }] });
      }
    } finally {
      await backends.stop();
    }
  });
});

import { authorizerHandler, bodyOf, type Invoke, routeEvent, routeHandler, Sink } from '../support/harness';
import { type PatApi, startPatApi } from '../support/pat-api';

/**
 * `GET /api/v1/whoami` through its production handler, given the context the credential
 * authorizer's production handler allowed with, as API Gateway hands it over: a PAT created
 * through the API, or a user JWT of the run's issuer. API Gateway's part is the local gateway's,
 * tested end to end in test/local/credential-routes.test.ts.
 */
let api: PatApi;
let whoami: Invoke;
const sink = new Sink();

beforeAll(async () => {
  api = await startPatApi();
});

// Built for each test: the handler's wiring then counts as run by every test (mutation testing
// credits code run in beforeAll to no test).
beforeEach(() => {
  whoami = routeHandler('whoami', api.env(), { sink });
});

afterAll(async () => {
  await api.stop();
});

async function contextOf(token: string): Promise<Record<string, unknown>> {
  const result = await authorizerHandler(api.env())(`Bearer ${token}`);
  if (!result.isAuthorized) throw new Error('the authorizer refused the token');
  return result.context;
}

it('answers for a PAT with its workspace, id, name, scopes and expiry, and logs who asked', async () => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace, { name: 'nightly', scopes: ['read', 'write'] });
  const before = sink.lines.length;

  const result = await whoami(routeEvent('whoami', { lambdaAuthorizer: await contextOf(created.token) }));

  expect(result.statusCode).toBe(200);
  expect(bodyOf(result)).toEqual({
    data: {
      tokenType: 'pat',
      subject: 'user-1',
      workspaceId: workspace,
      patId: created.id,
      name: 'nightly',
      scopes: ['read', 'write'],
      expiresAt: created.expiresAt,
    },
  });
  expect(sink.records().slice(before)).toContainEqual(
    expect.objectContaining({
      message: 'request',
      status: 200,
      tokenType: 'pat',
      subject: 'user-1',
      workspaceId: workspace,
      patId: created.id,
    }),
  );
});

it('answers for a user JWT with its subject and every workspace it grants, and logs no PAT', async () => {
  const workspaces = [api.newWorkspace(), api.newWorkspace()];
  const before = sink.lines.length;

  const result = await whoami(
    routeEvent('whoami', { lambdaAuthorizer: await contextOf(api.token(workspaces, { sub: 'alice' })) }),
  );

  expect(result.statusCode).toBe(200);
  expect(bodyOf(result)).toEqual({ data: { tokenType: 'user', subject: 'alice', workspaces } });
  const line = sink
    .records()
    .slice(before)
    .find((record) => record.message === 'request');
  expect(line).toMatchObject({ status: 200, tokenType: 'user', subject: 'alice' });
  expect(line).not.toHaveProperty('workspaceId');
  expect(line).not.toHaveProperty('patId');
});

it('answers for a user JWT granting no workspace with an empty list', async () => {
  const result = await whoami(routeEvent('whoami', { lambdaAuthorizer: await contextOf(api.token([])) }));

  expect(bodyOf(result)).toMatchObject({ data: { tokenType: 'user', workspaces: [] } });
});

const pat = {
  tokenType: 'pat',
  subject: 'user-1',
  workspaceId: '0b0e4a4c-8f3e-4a55-9d0e-4b8f6c9e2a11',
  patId: '01936b2e-5a4f-7c3d-8e2f-1a2b3c4d5e6f',
  name: 'nightly',
  expiresAt: '2099-01-01T00:00:00.000Z',
  scopes: 'read',
};
const user = {
  tokenType: 'user',
  subject: 'alice',
  workspaces: '0b0e4a4c-8f3e-4a55-9d0e-4b8f6c9e2a11',
  expiresAt: '2099-01-01T00:00:00.000Z',
};
const without = (context: Record<string, string>, key: string) =>
  Object.fromEntries(Object.entries(context).filter(([name]) => name !== key));

it.each([
  ['no authorizer context (a direct invocation)', undefined],
  ['a context of another authorizer', { principalId: 'someone' }],
  ['another token type', { ...user, tokenType: 'service' }],
  ...Object.keys(pat)
    .filter((key) => key !== 'tokenType')
    .map((key): [string, Record<string, unknown>] => [`a PAT context without ${key}`, without(pat, key)]),
  ['a PAT context whose scopes are a list, not the text the authorizer writes', { ...pat, scopes: ['read'] }],
  ['a user context without a subject', without(user, 'subject')],
  ['a user context without workspaces', without(user, 'workspaces')],
  ['a user context without expiresAt', without(user, 'expiresAt')],
  ['a user context whose workspaces are a list', { ...user, workspaces: [user.workspaces] }],
])(
  'answers 401 to an event with %s: the route is reached through the credential authorizer only',
  async (_, context) => {
    const before = sink.lines.length;

    const result = await whoami(
      routeEvent('whoami', context === undefined ? {} : { lambdaAuthorizer: context }),
    );

    expect(result.statusCode).toBe(401);
    expect(result.headers['www-authenticate']).toBe('Bearer realm="pats-api"');
    expect(bodyOf(result)).toMatchObject({ code: 'unauthorized' });
    expect(sink.records().slice(before)).toContainEqual(
      expect.objectContaining({ message: 'request', status: 401, reason: 'no_authorizer' }),
    );
  },
);

describe('a credential API Gateway still holds an allow for, though it has expired since', () => {
  it.each([
    ['a PAT', pat],
    ['a user JWT', user],
  ])('is refused for %s with 401 invalid_token, whatever the cache says', async (_, context) => {
    const before = sink.lines.length;
    const expired = { ...context, expiresAt: new Date(Date.now() - 2000).toISOString() };

    const result = await whoami(routeEvent('whoami', { lambdaAuthorizer: expired }));

    expect(result.statusCode).toBe(401);
    expect(result.headers['www-authenticate']).toBe(
      'Bearer realm="pats-api", error="invalid_token", error_description="The credential expired"',
    );
    expect(bodyOf(result)).toEqual({ code: 'unauthorized', message: 'The credential has expired.' });
    expect(sink.records().slice(before)).toContainEqual(
      expect.objectContaining({ message: 'request', status: 401, reason: 'expired' }),
    );
  });

  it('is refused when its expiry is not a date', async () => {
    const result = await whoami(routeEvent('whoami', { lambdaAuthorizer: { ...user, expiresAt: 'never' } }));

    expect(result.statusCode).toBe(401);
  });

  it('is served up to the millisecond before its expiry', async () => {
    const result = await whoami(
      routeEvent('whoami', {
        lambdaAuthorizer: { ...user, expiresAt: new Date(Date.now() + 60_000).toISOString() },
      }),
    );

    expect(result.statusCode).toBe(200);
  });
});

it('answers the contexts the authorizer writes as they are: a PAT and a user with every field', async () => {
  const asPat = await whoami(routeEvent('whoami', { lambdaAuthorizer: pat }));
  const asUser = await whoami(routeEvent('whoami', { lambdaAuthorizer: user }));

  expect([asPat.statusCode, asUser.statusCode]).toEqual([200, 200]);
});

import { randomBytes, randomUUID } from 'node:crypto';
import { formatPatToken } from '../../lambda/domain/token-format';
import { ROUTES, type RouteName, routeNamed } from '../../lib/routes';
import { bodyOf, type RouteEventOptions } from '../support/harness';
import { type PatApi, startPatApi } from '../support/pat-api';

/**
 * The contract's order of checks, for every management route: 1 credentials, 2 `X-Workspace-Id`,
 * 3 path `id`, 4 request syntax (query, `Content-Type`, size, body), 5 grant, 6 the operation.
 * Each case fails two adjacent checks at once; the earlier one must answer.
 */
let api: PatApi;

beforeAll(async () => {
  api = await startPatApi();
});

afterAll(async () => {
  await api.stop();
});

const withId = ROUTES.filter((route) => route.path.includes('{id}')).map((route) => route.name);
const withBody = ROUTES.filter((route) => route.body !== 'none').map((route) => route.name);

/** A request each route would answer with success (or 404, for an id that does not exist). */
function valid(name: RouteName, workspace: string): RouteEventOptions {
  return {
    workspace,
    token: api.token([workspace]),
    ...(withId.includes(name) ? { id: randomUUID() } : {}),
    ...(name === 'createPat' ? { body: { name: 'n', scopes: ['read'] } } : {}),
  };
}

// The management routes: a route behind the credential authorizer has its own (test/integration/authorizer.test.ts).
const MANAGEMENT = ROUTES.filter((route) => route.authorizer === 'jwt');

describe.each(MANAGEMENT.map((route) => route.name))('%s', (name) => {
  it('refuses a PAT with a 401 that says a user JWT is needed', async () => {
    const workspace = randomUUID();
    const pat = formatPatToken(randomBytes(32), { workspaceId: workspace, id: randomUUID() });

    const result = await api.call(name, { ...valid(name, workspace), token: pat });

    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toEqual({
      code: 'unauthorized',
      message: expect.stringContaining('needs a user JWT'),
    });
    expect(result.headers['www-authenticate']).toMatch(
      /^Bearer realm="pats-api", error="invalid_token", error_description="[^"]+"$/,
    );
    expect(result.body).not.toContain(pat);
  });

  it('answers a request without Authorization with a bare challenge', async () => {
    const result = await api.call(name, { ...valid(name, randomUUID()), token: undefined });

    expect(result.statusCode).toBe(401);
    expect(result.headers['www-authenticate']).toBe('Bearer realm="pats-api"');
  });

  it('checks the credentials before the workspace header', async () => {
    const result = await api.call(name, {
      ...valid(name, randomUUID()),
      token: 'not-a-jwt',
      workspace: 'nope',
    });

    expect(result.statusCode).toBe(401);
    expect(result.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it.each([
    ['missing', undefined],
    ['braced', `{${randomUUID()}}`],
    ['followed by more', `${randomUUID()}x`],
    ['over-long', `${randomUUID()}${'0'.repeat(5000)}`],
  ])('answers invalid_workspace_id when X-Workspace-Id is %s', async (_, workspace) => {
    const request = valid(name, randomUUID());

    const result = await api.call(name, {
      ...request,
      workspace,
      ...(withId.includes(name) ? { id: 'not-a-uuid' } : {}),
    });

    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toMatchObject({ code: 'invalid_workspace_id' });
  });

  it('checks the request itself before the grant', async () => {
    const workspace = randomUUID();
    const stranger = api.token([randomUUID()]);
    const bad: RouteEventOptions = withBody.includes(name)
      ? { body: 'not json', contentType: 'application/json' }
      : routeNamed(name).path.includes('{id}')
        ? { id: 'not-a-uuid' }
        : { query: { limit: '0' } };

    const result = await api.call(name, { ...valid(name, workspace), ...bad, token: stranger });

    expect(result.statusCode).toBe(400);
    expect(bodyOf<{ code: string }>(result).code).toMatch(/^invalid_(body|query|pat_id)$/);
  });

  it('checks the grant before the operation', async () => {
    const result = await api.call(name, { ...valid(name, randomUUID()), token: api.token([randomUUID()]) });

    expect(result.statusCode).toBe(403);
    expect(bodyOf(result)).toMatchObject({ code: 'forbidden' });
  });
});

describe.each(withId)('%s, which names a PAT in its path', (name) => {
  it.each([
    ['missing', undefined],
    ['braced', `{${randomUUID()}}`],
    ['a path traversal', '../../etc/passwd'],
    ['two UUIDs', `${randomUUID()}-${randomUUID()}`],
  ])('answers invalid_pat_id when the id is %s, before the body and the grant', async (_, id) => {
    const result = await api.call(name, {
      ...valid(name, randomUUID()),
      id,
      token: api.token([randomUUID()]),
      ...(withBody.includes(name) ? { body: '{', contentType: 'text/plain' } : {}),
    });

    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toMatchObject({ code: 'invalid_pat_id' });
  });
});

describe.each(withBody)('%s, which reads a body', (name) => {
  it('checks the Content-Type before the size, and the size before the JSON', async () => {
    const workspace = randomUUID();
    const big = `{"name": "${'x'.repeat(5000)}"`;

    const wrongType = await api.call(name, {
      ...valid(name, workspace),
      body: big,
      contentType: 'text/plain',
    });
    const tooBig = await api.call(name, {
      ...valid(name, workspace),
      body: big,
      contentType: 'application/json',
    });

    expect(wrongType.statusCode).toBe(415);
    expect(bodyOf(wrongType)).toMatchObject({ code: 'unsupported_media_type' });
    expect(tooBig.statusCode).toBe(413);
    expect(bodyOf(tooBig)).toMatchObject({ code: 'payload_too_large' });
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"'])(
    'accepts Content-Type %s',
    async (contentType) => {
      const workspace = randomUUID();
      const request = valid(name, workspace);
      const body = name === 'createPat' ? '{"name":"n","scopes":["read"]}' : '{}';

      const result = await api.call(name, { ...request, body, contentType });

      expect([201, 404]).toContain(result.statusCode);
    },
  );

  it.each(['text/plain', 'application/json; charset=latin1', 'application/jsonp', 'multipart/form-data'])(
    'refuses Content-Type %s with 415',
    async (contentType) => {
      const result = await api.call(name, { ...valid(name, randomUUID()), body: '{}', contentType });

      expect(result.statusCode).toBe(415);
    },
  );
});

import { randomUUID } from 'node:crypto';
import { FaultProxy } from '../support/fault-proxy';
import { type HttpAnswer, request } from '../support/http';
import { startInProcessApi } from '../support/local-api';
import { LogCapture } from '../support/logs';
import { checkResponse } from '../support/openapi';
import { relocated, withTypo } from '../support/tokens';

/**
 * `GET /api/v1/whoami` over real HTTP to the local API: its gateway imitation in front of the
 * credential authorizer's production handler, DynamoDB Local, the dev issuer's keys over HTTP.
 * PATs are created, rotated and revoked through the API itself.
 */
jest.setTimeout(60_000);

// The functions' log lines (the in-process API writes them to stdout) are kept and checked.
const logs = new LogCapture();
beforeEach(() => {
  logs.start();
});
afterEach(() => {
  logs.stop();
  expect(logs.text()).not.toMatch(/pat_[0-9A-Za-z]{93}|bearer|eyJ[\w-]+\.eyJ/i);
});

type LocalApi = Awaited<ReturnType<typeof startInProcessApi>>;
const WHOAMI = { method: 'GET', path: '/api/v1/whoami' } as const;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a client of the local API does: HTTP with a bearer token (or none). */
function client(local: LocalApi) {
  const user = (workspaceId: string) => local.token({ sub: 'alice', workspaces: [workspaceId] });
  const call = async (
    method: string,
    path: string,
    options: { token?: string; workspace?: string; body?: unknown } = {},
  ): Promise<HttpAnswer> =>
    request(local.port, {
      method,
      path,
      headers: {
        ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.workspace !== undefined ? { 'x-workspace-id': options.workspace } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  return {
    whoami: async (token?: string) => {
      const answer = await call('GET', WHOAMI.path, token !== undefined ? { token } : {});
      expect(checkResponse(WHOAMI, answer.status, answer.json())).toEqual([]);
      return answer;
    },
    /** A PAT created through `POST /api/v1/pats` by a member of the workspace. */
    create: async (workspace: string, body: Record<string, unknown> = {}) => {
      const answer = await call('POST', '/api/v1/pats', {
        token: user(workspace),
        workspace,
        body: { name: 'ci', scopes: ['read'], ...body },
      });
      expect(answer.status).toBe(201);
      return answer.json<{ data: { id: string; token: string; expiresAt: string } }>().data;
    },
    revoke: (workspace: string, id: string) =>
      call('DELETE', `/api/v1/pats/${id}`, { token: user(workspace), workspace }),
    rotate: async (workspace: string, id: string) =>
      (
        await call('POST', `/api/v1/pats/${id}/rotate`, { token: user(workspace), workspace, body: {} })
      ).json<{ data: { id: string; token: string } }>().data,
    user,
  };
}

describe('with the default cache', () => {
  let local: LocalApi;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    local = await startInProcessApi();
    api = client(local);
  });
  afterAll(async () => {
    await local.stop();
  });

  it('answers a PAT created through the API with what the PAT is', async () => {
    const workspace = randomUUID();
    const created = await api.create(workspace, { name: 'deploy bot', scopes: ['read', 'write'] });

    const answer = await api.whoami(created.token);

    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      data: {
        tokenType: 'pat',
        subject: 'alice',
        workspaceId: workspace,
        patId: created.id,
        name: 'deploy bot',
        scopes: ['read', 'write'],
        expiresAt: created.expiresAt,
      },
    });
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('refuses a JWT once it has expired, though the gateway still holds its allow', async () => {
    const token = local.token({ sub: 'alice', workspaces: [randomUUID()], ttlSeconds: 2 });
    expect((await api.whoami(token)).status).toBe(200);

    await pause(3000);
    const answer = await api.whoami(token);

    expect(answer.status).toBe(401);
    expect(answer.json()).toMatchObject({ code: 'unauthorized' });
    expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('refuses a PAT once it has expired, though the gateway still holds its allow', async () => {
    const created = await local.createPat(randomUUID(), new Date(Date.now() + 2000).toISOString());
    expect((await api.whoami(created.token)).status).toBe(200);

    await pause(2500);
    const answer = await api.whoami(created.token);

    expect(answer.status).toBe(401);
    expect(answer.json()).toMatchObject({ code: 'unauthorized' });
  });

  it('answers a user JWT with its subject and workspaces', async () => {
    const workspace = randomUUID();

    const answer = await api.whoami(api.user(workspace));

    expect(answer.json()).toEqual({ data: { tokenType: 'user', subject: 'alice', workspaces: [workspace] } });
  });

  it("answers 401 without an Authorization header, API Gateway's way", async () => {
    const answer = await api.whoami();

    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ message: 'Unauthorized' });
  });

  it("answers 403 Forbidden, API Gateway's way, to a PAT that does not exist or is not a credential at all", async () => {
    const workspace = randomUUID();
    const created = await api.create(workspace);
    const unknown = relocated(created.token, { workspaceId: workspace, id: randomUUID() });

    for (const token of [unknown, withTypo(created.token, 50), 'not-a-token', 'pat_short']) {
      const answer = await api.whoami(token);
      expect([token, answer.status, answer.json()]).toEqual([token, 403, { message: 'Forbidden' }]);
    }
  });

  it('keeps refusing a PAT on the management routes: a PAT never manages PATs', async () => {
    const workspace = randomUUID();
    const created = await api.create(workspace);

    const answer = await request(local.port, {
      path: '/api/v1/pats',
      headers: { authorization: `Bearer ${created.token}`, 'x-workspace-id': workspace },
    });

    expect(answer.status).toBe(401);
  });
});

describe('revocation through the cache', () => {
  it('lets a revoked PAT work until the cached answer expires, then refuses it', async () => {
    const local = await startInProcessApi({ AUTHORIZER_CACHE_SECONDS: '3' });
    const api = client(local);
    try {
      const workspace = randomUUID();
      const created = await api.create(workspace);
      const cachedAt = Date.now();
      expect((await api.whoami(created.token)).status).toBe(200);

      expect((await api.revoke(workspace, created.id)).status).toBe(204);
      const stillCached = await api.whoami(created.token);
      const left = cachedAt + 3000 - Date.now();
      await pause(left + 200);
      const afterExpiry = await api.whoami(created.token);

      // The cached allow is served only while it is fresh: it was asked for well inside 3 s.
      expect(left).toBeGreaterThan(0);
      expect(stillCached.status).toBe(200);
      expect(afterExpiry.status).toBe(403);
    } finally {
      await local.stop();
    }
  });

  describe('with the cache off (AUTHORIZER_CACHE_SECONDS=0)', () => {
    let local: LocalApi;
    let api: ReturnType<typeof client>;

    beforeAll(async () => {
      local = await startInProcessApi({ AUTHORIZER_CACHE_SECONDS: '0' });
      api = client(local);
    });
    afterAll(async () => {
      await local.stop();
    });

    it('refuses a revoked PAT at once', async () => {
      const workspace = randomUUID();
      const created = await api.create(workspace);
      expect((await api.whoami(created.token)).status).toBe(200);

      await api.revoke(workspace, created.id);

      expect((await api.whoami(created.token)).status).toBe(403);
    });

    it('refuses the old token of a rotated PAT at once, and answers the new one', async () => {
      const workspace = randomUUID();
      const created = await api.create(workspace);
      expect((await api.whoami(created.token)).status).toBe(200);

      const replacement = await api.rotate(workspace, created.id);

      expect((await api.whoami(created.token)).status).toBe(403);
      expect((await api.whoami(replacement.token)).json()).toMatchObject({ data: { patId: replacement.id } });
    });
  });
});

describe('when DynamoDB is down', () => {
  it("fails closed with API Gateway's 500, and answers again once it is back", async () => {
    const dynamo = process.env.TEST_DYNAMODB_ENDPOINT ?? '';
    const proxy = await FaultProxy.start(dynamo);
    const local = await startInProcessApi({
      DYNAMODB_ENDPOINT: proxy.endpoint,
      AUTHORIZER_CACHE_SECONDS: '0',
      DYNAMODB_MAX_ATTEMPTS: '2',
      DYNAMODB_REQUEST_TIMEOUT_MS: '300',
    });
    const api = client(local);
    try {
      const workspace = randomUUID();
      const created = await api.create(workspace);

      await proxy.stop();
      const down = await api.whoami(created.token);
      // A mistyped PAT needs no read: still a plain refusal.
      const typo = await api.whoami(withTypo(created.token, 60));
      await proxy.restart();
      const back = await api.whoami(created.token);

      expect([down.status, down.json()]).toEqual([500, { message: 'Internal Server Error' }]);
      expect(typo.status).toBe(403);
      expect(back.status).toBe(200);
      expect(local.requestLog.join('\n')).not.toContain(created.token);
    } finally {
      await local.stop();
      await proxy.stop();
    }
  });
});

import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO } from '../../local/demo';
import { newTableName, TestDynamo } from '../support/dynamodb';
import { TestIssuer } from '../support/issuer';
import { freePort, runCli, type ServerProcess, startServer } from '../support/processes';

/**
 * `npm start` end to end: the server as a child process on free ports, PATs created with the CLI,
 * real HTTP requests.
 */
jest.setTimeout(90_000);

type Env = Record<string, string>;

async function localEnv(dataDir: string): Promise<Env> {
  return {
    PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
    DEV_ISSUER_PORT: String(await freePort()),
    LOCAL_DATA_DIR: dataDir,
  };
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  return fetch(url, { method, headers });
}

async function createPat(env: Env, workspace: string, extra: string[] = []) {
  const result = await runCli(
    'pat',
    ['create', '--workspace', workspace, '--name', 'e2e', '--scopes', 'read,write', '--json', ...extra],
    env,
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as {
    id: string;
    secret: string;
    tokenPrefix: string;
    createdAt: string;
    expiresAt?: string;
  };
}

async function token(env: Env, workspaces: string, sub = 'alice') {
  const result = await runCli('token', ['--sub', sub, '--workspaces', workspaces, '--ttl', '10m'], env);
  expect(result.status).toBe(0);
  return result.stdout.trim();
}

describe('npm start with the embedded store and the dev issuer', () => {
  let dataDir: string;
  let env: Env;
  let server: ServerProcess;
  const workspace = 'aaaaaaaa-0000-4000-8000-000000000001';
  const otherWorkspace = 'bbbbbbbb-0000-4000-8000-000000000002';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pats-local-'));
    env = await localEnv(dataDir);
    server = await startServer(env);
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a curl command that returns the demo PAT with 200', async () => {
    const curl = /curl -s -H "Authorization: Bearer (\S+)" -H "X-Workspace-Id: (\S+)" (\S+)/.exec(
      server.stdout(),
    );
    expect(curl).not.toBeNull();
    const [, demoToken = '', workspaceId = '', url = ''] = curl ?? [];

    const response = await get(url, { authorization: `Bearer ${demoToken}`, 'x-workspace-id': workspaceId });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      data: { id: DEMO.patId, workspaceId: DEMO.workspaceId, name: 'Demo PAT' },
    });
    expect(server.stdout()).toContain(`Demo PAT id:     ${DEMO.patId}`);
  });

  it('returns a PAT created with the CLI, with the exact body', async () => {
    const pat = await createPat(env, workspace, ['--expires-in', '30d']);

    const response = await get(`${server.url}/api/v1/pats/${pat.id}`, {
      authorization: `Bearer ${await token(env, workspace)}`,
      'x-workspace-id': workspace,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(await response.json()).toEqual({
      data: {
        id: pat.id,
        workspaceId: workspace,
        name: 'e2e',
        scopes: ['read', 'write'],
        tokenPrefix: pat.secret.slice(0, 12),
        createdAt: pat.createdAt,
        expiresAt: pat.expiresAt,
      },
    });
  });

  it('answers 403 for a workspace the token does not grant, and 404 across workspaces', async () => {
    const pat = await createPat(env, otherWorkspace);
    const both = await token(env, `${workspace},${otherWorkspace}`);

    const forbidden = await get(`${server.url}/api/v1/pats/${pat.id}`, {
      authorization: `Bearer ${await token(env, workspace)}`,
      'x-workspace-id': otherWorkspace,
    });
    const acrossWorkspaces = await get(`${server.url}/api/v1/pats/${pat.id}`, {
      authorization: `Bearer ${both}`,
      'x-workspace-id': workspace,
    });

    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: 'forbidden' });
    expect(acrossWorkspaces.status).toBe(404);
    expect(await acrossWorkspaces.json()).toMatchObject({ code: 'not_found' });
  });

  it('answers the 400s of the function', async () => {
    const authorization = `Bearer ${await token(env, workspace)}`;
    const badWorkspace = await get(`${server.url}/api/v1/pats/${DEMO.patId}`, {
      authorization,
      'x-workspace-id': 'nope',
    });
    const badId = await get(`${server.url}/api/v1/pats/not-a-uuid`, {
      authorization,
      'x-workspace-id': workspace,
    });

    expect(badWorkspace.status).toBe(400);
    expect(await badWorkspace.json()).toMatchObject({ code: 'invalid_workspace_id' });
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ code: 'invalid_pat_id' });
  });

  it.each([
    ['no Authorization', undefined],
    ['a PAT', 'Bearer pat_0123456789abcdefghijABCDEFGHIJ0123456789'],
    ['a garbled token', 'Bearer abc.def.ghi'],
  ])('answers the gateway 401 for %s', async (_, authorization) => {
    const response = await get(`${server.url}/api/v1/pats/${DEMO.patId}`, {
      ...(authorization !== undefined ? { authorization } : {}),
      'x-workspace-id': DEMO.workspaceId,
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it.each([
    ['another method', 'POST', `/api/v1/pats/${DEMO.patId}`],
    ['a trailing slash', 'GET', `/api/v1/pats/${DEMO.patId}/`],
    ['a double slash', 'GET', `/api/v1//pats/${DEMO.patId}`],
    ['a missing id', 'GET', '/api/v1/pats/'],
    ['an unknown path', 'GET', '/api/v2/pats'],
  ])('answers 404 Not Found for %s', async (_, method, path) => {
    const response = await get(
      `${server.url}${path}`,
      { authorization: `Bearer ${await token(env, workspace)}` },
      method,
    );

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
  });

  it('logs one line per request without the token', async () => {
    const secretToken = await token(env, workspace);
    await get(`${server.url}/api/v1/pats/${DEMO.patId}`, {
      authorization: `Bearer ${secretToken}`,
      'x-workspace-id': workspace,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(server.stderr()).toMatch(new RegExp(`GET /api/v1/pats/${DEMO.patId} 404 \\d+ms`));
    expect(server.stdout() + server.stderr()).not.toContain(secretToken);
  });

  it('lists a workspace PATs without their hashes', async () => {
    const result = await runCli('pat', ['list', '--workspace', workspace], env);
    const listed = JSON.parse(result.stdout) as Array<Record<string, unknown>>;

    expect(result.status).toBe(0);
    expect(listed.length).toBeGreaterThan(0);
    expect(result.stdout).not.toContain('tokenHash');
  });

  it('refuses bad CLI arguments with the usage and a non-zero exit, no stack trace', async () => {
    for (const args of [
      ['create', '--workspace', 'nope', '--name', 'x', '--scopes', 'read'],
      ['delete'],
      ['create', '--bogus'],
    ]) {
      const result = await runCli('pat', args, env);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('Usage:');
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
    const tokenResult = await runCli('token', ['--sub', 'x', '--workspaces', 'nope'], env);
    expect(tokenResult.status).toBe(2);
    expect(tokenResult.stderr).toContain('Usage:');
  });

  it('names the port and its variable when the port is taken', async () => {
    const clash = await startServer({
      ...env,
      DYNAMODB_PORT: String(await freePort()),
      DEV_ISSUER_PORT: String(await freePort()),
    }).catch((error: Error) => error);

    expect(clash).toBeInstanceOf(Error);
    expect((clash as Error).message).toMatch(new RegExp(`Port ${env.PORT} is already in use: set PORT`));
  });
});

describe('where npm start listens', () => {
  const reach = (url: string) =>
    fetch(url).then(
      (response) => response.status,
      () => 'refused',
    );

  it('listens on each address of LOCAL_BIND_HOST and on no other', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pats-local-'));
    const env: Env = { ...(await localEnv(dataDir)), LOCAL_BIND_HOST: '127.0.0.1,127.0.0.2' };
    const server = await startServer(env, ['--in-memory']);
    try {
      const on = (address: string) => ({
        api: reach(`http://${address}:${env.PORT}/api/v1/pats/${DEMO.patId}`),
        issuer: reach(`http://${address}:${env.DEV_ISSUER_PORT}/.well-known/jwks.json`),
        store: reach(`http://${address}:${env.DYNAMODB_PORT}/`),
      });
      const [second, unlisted] = [on('127.0.0.2'), on('127.0.0.3')];

      expect(await second.api).toBe(401);
      expect(await second.issuer).toBe(200);
      expect(await second.store).toBe(400);
      expect([await unlisted.api, await unlisted.issuer, await unlisted.store]).toEqual([
        'refused',
        'refused',
        'refused',
      ]);
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.each(['0.0.0.0', '::'])(
    'refuses LOCAL_BIND_HOST=%s, which would expose the store to the network',
    async (host) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'pats-local-'));
      try {
        const refused = await startServer({ ...(await localEnv(dataDir)), LOCAL_BIND_HOST: host }).catch(
          (error: Error) => error.message,
        );

        expect(refused).toMatch(/exited with 1/);
        expect(refused).toContain(`npm start: LOCAL_BIND_HOST=${host} would expose the store`);
        expect(refused).not.toMatch(/^\s+at /m);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );

  it('says in one sentence that the embedded store needs Java, and how to do without', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pats-local-'));
    const bin = mkdtempSync(join(tmpdir(), 'pats-path-'));
    // A PATH holding node and nothing else: no java.
    symlinkSync(process.execPath, join(bin, 'node'));
    try {
      const refused = await startServer({ ...(await localEnv(dataDir)), PATH: bin }).catch(
        (error: Error) => error.message,
      );

      expect(refused).toMatch(/exited with 1/);
      expect(refused).toContain(
        'npm start: Java was not found: the embedded store is DynamoDB Local, which needs Java 17',
      );
      expect(refused).toContain('DYNAMODB_ENDPOINT');
      expect(refused).not.toMatch(/^\s+at /m);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe('persistence', () => {
  it('keeps the data across a restart, and the in-memory mode does not', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pats-local-'));
    try {
      const env = await localEnv(dataDir);
      const workspace = 'cccccccc-0000-4000-8000-000000000003';
      let server = await startServer(env);
      const pat = await createPat(env, workspace);
      expect(server.stdout()).toContain('Demo PAT secret');
      expect(await server.stop()).toBe(0);

      server = await startServer(env);
      const authorization = `Bearer ${await token(env, workspace)}`;
      const afterRestart = await get(`${server.url}/api/v1/pats/${pat.id}`, {
        authorization,
        'x-workspace-id': workspace,
      });
      // The demo PAT is seeded on the first start only: its secret is not shown again.
      expect(server.stdout()).not.toContain('Demo PAT secret');
      await server.stop();

      server = await startServer(env, ['--in-memory']);
      const inMemory = await get(`${server.url}/api/v1/pats/${pat.id}`, {
        authorization,
        'x-workspace-id': workspace,
      });
      await server.stop();

      expect(afterRestart.status).toBe(200);
      expect(inMemory.status).toBe(404);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('npm start against an external issuer and store', () => {
  it('uses JWT_ISSUER and DYNAMODB_ENDPOINT, starting neither the dev issuer nor the embedded store', async () => {
    const [dynamo, issuer] = await Promise.all([TestDynamo.start(), TestIssuer.start()]);
    const dataDir = mkdtempSync(join(tmpdir(), 'pats-local-'));
    const devIssuerPort = await freePort();
    const tableName = newTableName();
    const server = await startServer({
      TABLE_NAME: tableName,
      PORT: String(await freePort()),
      DEV_ISSUER_PORT: String(devIssuerPort),
      LOCAL_DATA_DIR: dataDir,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      JWT_ISSUER: issuer.url,
      JWT_AUDIENCE: issuer.audience,
    });
    try {
      const workspace = 'dddddddd-0000-4000-8000-000000000004';
      const pat = await createPat(
        { DYNAMODB_ENDPOINT: dynamo.endpoint, LOCAL_DATA_DIR: dataDir, TABLE_NAME: tableName },
        workspace,
      );

      const ok = await get(`${server.url}/api/v1/pats/${pat.id}`, {
        authorization: `Bearer ${issuer.token([workspace])}`,
        'x-workspace-id': workspace,
      });
      const devIssuer = await fetch(`http://127.0.0.1:${devIssuerPort}/.well-known/jwks.json`).then(
        () => 'answered',
        () => 'refused',
      );

      expect(ok.status).toBe(200);
      expect(issuer.fetches()).toBeGreaterThan(0);
      expect(devIssuer).toBe('refused');
      expect(server.stdout()).toContain(`Issuer:          ${issuer.url}`);
      expect(server.stdout()).toContain(`DynamoDB:        ${dynamo.endpoint}`);
    } finally {
      await server.stop();
      await Promise.all([dynamo.stop(), issuer.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO } from '../../local/demo';
import { auditTableOf, newTableName, TestDynamo } from '../support/dynamodb';
import { requestUrl } from '../support/http';
import { TestIssuer } from '../support/issuer';
import { freePort, runCli, type ServerProcess, startServer } from '../support/processes';

/**
 * `npm start` end to end: the server as a child process on free ports, the CLIs as child
 * processes, real HTTP. Each describe starts its own server, so any test may run alone.
 */
jest.setTimeout(90_000);

type Env = Record<string, string>;

async function localEnv(dataDir: string): Promise<Env> {
  return {
    PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
    DEV_ISSUER_PORT: String(await freePort()),
    EVENT_BUS_PORT: String(await freePort()),
    LOCAL_DATA_DIR: dataDir,
  };
}

async function devToken(env: Env, workspaces: string, sub = 'alice') {
  const result = await runCli('token', ['--sub', sub, '--workspaces', workspaces, '--ttl', '10m'], env);
  expect(result.status).toBe(0);
  return result.stdout.trim();
}

/** The demo PAT's token as the banner prints it. */
function demoPatOf(stdout: string): string | undefined {
  return /^ {2}PAT=(pat_[0-9A-Za-z]{93}) /m.exec(stdout)?.[1];
}

/**
 * The banner's "Try it" commands as a shell runs them once pasted: the variables its first lines
 * set (`TOKEN=…`, `PAT=…`, `WS=…`) expanded where the commands use them.
 */
function pastedCommands(stdout: string): string {
  const variables = new Map(
    [...stdout.matchAll(/^ {2}([A-Z]+)=(\S+)/gm)].map(([, name, value]) => [name ?? '', value ?? '']),
  );
  return stdout.replace(/\$([A-Z]+)\b/g, (unset, name: string) => variables.get(name) ?? unset);
}

/** `npm run pat -- <args> --json`, against the server of `env`. */
async function pat(env: Env, args: string[]) {
  const result = await runCli('pat', [...args, '--json'], env);
  if (result.status !== 0) throw new Error(`npm run pat -- ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as { data: Record<string, unknown> & { id: string; token: string } };
}

describe('npm start with the embedded store and the dev issuer', () => {
  let dataDir: string;
  let env: Env;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pats-local-'));
    env = await localEnv(dataDir);
    server = await startServer(env);
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints curl commands that read the demo PAT, list and create PATs, and read the audit log', async () => {
    const curls = [
      ...pastedCommands(server.stdout()).matchAll(
        /curl -s -H "Authorization: Bearer (\S+)" -H "X-Workspace-Id: (\S+)"(?: -H "Content-Type: (\S+)" -d '(.+)')? (\S+)/g,
      ),
    ];
    expect(curls).toHaveLength(4);
    const answers = [];
    for (const [, token, workspace, contentType, body, url] of curls) {
      answers.push(
        await requestUrl(url ?? '', {
          method: body === undefined ? 'GET' : 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'x-workspace-id': workspace ?? '',
            ...(contentType !== undefined ? { 'content-type': contentType } : {}),
          },
          ...(body !== undefined ? { body } : {}),
        }),
      );
    }

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 201, 200]);
    expect(answers[0]?.json()).toMatchObject({
      data: { id: DEMO.patId, workspaceId: DEMO.workspaceId, name: 'Demo PAT' },
    });
    expect(server.stdout()).toContain(`Demo PAT id:     ${DEMO.patId}`);
  });

  it('prints the demo PAT and a whoami curl that works with it', async () => {
    const [, token, url] =
      /curl -s -H "Authorization: Bearer (pat_[0-9A-Za-z]{93})" (\S+\/api\/v1\/whoami)/.exec(
        pastedCommands(server.stdout()),
      ) ?? [];

    const answer = await requestUrl(url ?? '', { headers: { authorization: `Bearer ${token}` } });

    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({
      data: { tokenType: 'pat', workspaceId: DEMO.workspaceId, patId: DEMO.patId, name: 'Demo PAT' },
    });
    expect(statSync(join(dataDir, 'demo-pat.json')).mode & 0o777).toBe(0o600);
  });

  it('manages PATs through the API with the CLI: create, list, rotate, revoke', async () => {
    const workspace = randomUUID();

    const created = await pat(env, [
      'create',
      '--workspace',
      workspace,
      '--name',
      'e2e',
      '--scopes',
      'read,write',
      '--expires-in',
      '7d',
    ]);
    const listed = JSON.parse(
      (await runCli('pat', ['list', '--workspace', workspace], env)).stdout,
    ) as Array<{ id: string }>;
    const rotated = await pat(env, ['rotate', '--workspace', workspace, '--id', created.data.id]);
    const revoked = await runCli('pat', ['revoke', '--workspace', workspace, '--id', rotated.data.id], env);
    const after = JSON.parse((await runCli('pat', ['list', '--workspace', workspace], env)).stdout);

    expect(created.data).toMatchObject({ workspaceId: workspace, name: 'e2e', scopes: ['read', 'write'] });
    expect(created.data.token).toMatch(/^pat_[0-9A-Za-z]{93}$/);
    expect(listed.map((item) => item.id)).toEqual([created.data.id]);
    expect(JSON.stringify(listed)).not.toContain(created.data.token);
    expect(rotated.data.id).not.toBe(created.data.id);
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toContain(`Revoked PAT ${rotated.data.id}`);
    expect(after).toEqual([]);
  });

  it('prints a created token once with a warning, and errors of the API in one line', async () => {
    const workspace = randomUUID();
    const created = await runCli(
      'pat',
      ['create', '--workspace', workspace, '--name', 'shown', '--scopes', 'read'],
      env,
    );
    const refused = await runCli(
      'pat',
      ['create', '--workspace', workspace, '--name', 'bad', '--scopes', 'admin'],
      env,
    );

    expect(created.stdout).toMatch(/token: {3}pat_[0-9A-Za-z]{93}\nThe token is shown only now/);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: POST \/api\/v1\/pats: 400 \/scopes\/0: must be one of read, write/,
    );
    expect(refused.stderr).not.toMatch(/^\s+at /m);
  });

  it('answers 403 for a workspace the token does not grant, and 404 across workspaces', async () => {
    const [mine, theirs] = [randomUUID(), randomUUID()];
    const theirPat = await pat(env, ['create', '--workspace', theirs, '--name', 'x', '--scopes', 'read']);

    const forbidden = await requestUrl(`${server.url}/api/v1/pats/${theirPat.data.id}`, {
      headers: { authorization: `Bearer ${await devToken(env, mine)}`, 'x-workspace-id': theirs },
    });
    const across = await requestUrl(`${server.url}/api/v1/pats/${theirPat.data.id}`, {
      headers: {
        authorization: `Bearer ${await devToken(env, `${mine},${theirs}`)}`,
        'x-workspace-id': mine,
      },
    });

    expect(forbidden.status).toBe(403);
    expect(forbidden.json()).toMatchObject({ code: 'forbidden' });
    expect(across.status).toBe(404);
    expect(across.json()).toMatchObject({ code: 'not_found' });
  });

  it('answers only requests addressed to this machine: a DNS-rebinding page gets 403', async () => {
    const token = await devToken(env, DEMO.workspaceId);
    const headers = { authorization: `Bearer ${token}`, 'x-workspace-id': DEMO.workspaceId };

    const rebound = await requestUrl(`${server.url}/api/v1/pats`, {
      headers,
      hostHeader: 'attacker.example',
    });
    const loopback = await requestUrl(`${server.url}/api/v1/pats`, { headers });

    expect(rebound.status).toBe(403);
    expect(rebound.json()).toEqual({ message: 'Forbidden' });
    expect(loopback.status).toBe(200);
  });

  it.each([
    ['no Authorization', undefined],
    ['a PAT', `Bearer pat_${'A'.repeat(93)}`],
    ['a garbled token', 'Bearer abc.def.ghi'],
  ])('answers the gateway 401 for %s', async (_, authorization) => {
    const answer = await requestUrl(`${server.url}/api/v1/pats`, {
      headers: {
        ...(authorization !== undefined ? { authorization } : {}),
        'x-workspace-id': DEMO.workspaceId,
      },
    });

    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ message: 'Unauthorized' });
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('logs one line per request, and never the token', async () => {
    const secretToken = await devToken(env, DEMO.workspaceId);
    await requestUrl(`${server.url}/api/v1/pats/${DEMO.patId}`, {
      headers: { authorization: `Bearer ${secretToken}`, 'x-workspace-id': DEMO.workspaceId },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(server.stderr()).toMatch(new RegExp(`GET /api/v1/pats/${DEMO.patId} 200 \\d+ms`));
    expect(server.stdout() + server.stderr()).not.toContain(secretToken);
  });

  it('refuses bad CLI arguments with the usage and a non-zero exit, no stack trace', async () => {
    for (const args of [
      ['create', '--workspace', 'nope', '--name', 'x', '--scopes', 'read'],
      ['delete', '--workspace', DEMO.workspaceId],
      ['revoke', '--workspace', DEMO.workspaceId],
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
      EVENT_BUS_PORT: String(await freePort()),
    }).catch((error: Error) => error.message);

    expect(clash).toMatch(new RegExp(`Port ${env.PORT} is already in use: set PORT`));
  });
});

describe('where npm start listens', () => {
  const reach = (url: string) =>
    requestUrl(url).then(
      (answer) => answer.status,
      () => 'refused',
    );

  it('listens on each address of LOCAL_BIND_HOST and on no other', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pats-local-'));
    const env: Env = { ...(await localEnv(dataDir)), LOCAL_BIND_HOST: '127.0.0.1,127.0.0.2' };
    const server = await startServer(env, ['--in-memory']);
    try {
      const on = (address: string) =>
        Promise.all([
          reach(`http://${address}:${env.PORT}/api/v1/pats/${DEMO.patId}`),
          reach(`http://${address}:${env.DEV_ISSUER_PORT}/.well-known/jwks.json`),
          reach(`http://${address}:${env.DYNAMODB_PORT}/`),
          reach(`http://${address}:${env.EVENT_BUS_PORT}/`),
        ]);

      expect(await on('127.0.0.2')).toEqual([401, 200, 400, 400]);
      expect(await on('127.0.0.3')).toEqual(['refused', 'refused', 'refused', 'refused']);
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
      const workspace = randomUUID();
      let server = await startServer(env);
      const created = await pat(env, [
        'create',
        '--workspace',
        workspace,
        '--name',
        'kept',
        '--scopes',
        'read',
      ]);
      const demoPat = demoPatOf(server.stdout());
      expect(await server.stop()).toBe(0);

      server = await startServer(env);
      const authorization = `Bearer ${await devToken(env, workspace)}`;
      const afterRestart = await requestUrl(`${server.url}/api/v1/pats/${created.data.id}`, {
        headers: { authorization, 'x-workspace-id': workspace },
      });
      // The demo PAT's token is kept in the data folder: the same one is printed, and still works.
      expect(demoPatOf(server.stdout())).toBe(demoPat);
      const whoami = await requestUrl(`${server.url}/api/v1/whoami`, {
        headers: { authorization: `Bearer ${demoPat}` },
      });
      expect(whoami.status).toBe(200);
      await server.stop();

      // Without its saved token the demo PAT is minted again under its id: the old token stops working.
      rmSync(join(dataDir, 'demo-pat.json'));
      server = await startServer(env);
      const reminted = demoPatOf(server.stdout());
      const oldToken = await requestUrl(`${server.url}/api/v1/whoami`, {
        headers: { authorization: `Bearer ${demoPat}` },
      });
      await server.stop();
      expect(reminted).not.toBe(demoPat);
      expect(oldToken.status).toBe(403);

      server = await startServer(env, ['--in-memory']);
      const inMemory = await requestUrl(`${server.url}/api/v1/pats/${created.data.id}`, {
        headers: { authorization, 'x-workspace-id': workspace },
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
    const env: Env = {
      TABLE_NAME: tableName,
      AUDIT_TABLE_NAME: auditTableOf(tableName),
      PORT: String(await freePort()),
      DEV_ISSUER_PORT: String(devIssuerPort),
      EVENT_BUS_PORT: String(await freePort()),
      LOCAL_DATA_DIR: dataDir,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      JWT_ISSUER: issuer.url,
      JWT_AUDIENCE: issuer.audience,
    };
    const server = await startServer(env);
    try {
      const workspace = randomUUID();
      const created = await pat(env, [
        'create',
        '--workspace',
        workspace,
        '--name',
        'external',
        '--scopes',
        'read',
        '--token',
        issuer.token([workspace]),
      ]);

      const read = await requestUrl(`${server.url}/api/v1/pats/${created.data.id}`, {
        headers: { authorization: `Bearer ${issuer.token([workspace])}`, 'x-workspace-id': workspace },
      });

      expect(read.status).toBe(200);
      expect(issuer.fetches()).toBeGreaterThan(0);
      expect(
        await requestUrl(`http://127.0.0.1:${devIssuerPort}/`).then(
          () => 'answered',
          () => 'refused',
        ),
      ).toBe('refused');
      expect(server.stdout()).toContain(`Issuer:          ${issuer.url}`);
      expect(server.stdout()).toContain(`DynamoDB:        ${dynamo.endpoint}`);
    } finally {
      await server.stop();
      await Promise.all([dynamo.stop(), issuer.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('honours the PAT variables of the functions, as a deployed stage does', async () => {
    const dynamo = await TestDynamo.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'pats-local-'));
    const tableName = newTableName();
    const env: Env = {
      ...(await localEnv(dataDir)),
      TABLE_NAME: tableName,
      AUDIT_TABLE_NAME: auditTableOf(tableName),
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      PAT_SCOPES: 'read,deploy',
      PAT_MAX_PER_WORKSPACE: '1',
    };
    const server = await startServer(env);
    try {
      const workspace = randomUUID();
      const created = await pat(env, [
        'create',
        '--workspace',
        workspace,
        '--name',
        'd',
        '--scopes',
        'deploy',
      ]);
      const second = await runCli(
        'pat',
        ['create', '--workspace', workspace, '--name', 'e', '--scopes', 'read'],
        env,
      );

      expect(created.data.scopes).toEqual(['deploy']);
      expect(second.stderr).toContain('409');
    } finally {
      await server.stop();
      await dynamo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

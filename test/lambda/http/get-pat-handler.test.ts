import { randomUUID } from 'node:crypto';
import { TestDynamo } from '../../support/dynamodb';
import { getPatEvent } from '../../support/events';
import { buildHandler, functionEnv, type Invoke, json, newTableName } from '../../support/harness';
import { TestIssuer } from '../../support/issuer';
import { LogCapture } from '../../support/logs';
import { schemaValidator } from '../../support/openapi';
import { patItem } from '../../support/pats';

const validateEnvelope = schemaValidator('PatDetailDataEnvelope');
const validateError = schemaValidator('Error');

let dynamo: TestDynamo;
let issuer: TestIssuer;
let invoke: Invoke;
let tableName: string;
const logs = new LogCapture();

const workspaceId = randomUUID();
const otherWorkspaceId = randomUUID();
const secrets: string[] = [];
const hashes: string[] = [];
const tokens: string[] = [];
let pat: ReturnType<typeof patItem>['item'];
let fullPat: ReturnType<typeof patItem>['item'];
let otherWorkspacePat: ReturnType<typeof patItem>['item'];

async function store(entry: ReturnType<typeof patItem>) {
  secrets.push(entry.secret);
  hashes.push(entry.item.tokenHash);
  await dynamo.put(tableName, entry.item);
  return entry.item;
}

function token(workspaces: unknown = [workspaceId], claims: Record<string, unknown> = {}): string {
  const value = issuer.sign(issuer.claims({ workspaces, ...claims }));
  tokens.push(value);
  return value;
}

function request(options: { id?: string; token?: string; workspace?: string; authorization?: string }) {
  return getPatEvent({
    id: options.id,
    headers: {
      authorization:
        options.authorization ?? (options.token !== undefined ? `Bearer ${options.token}` : undefined),
      'x-workspace-id': options.workspace,
    },
  });
}

beforeAll(async () => {
  [dynamo, issuer] = await Promise.all([TestDynamo.start(), TestIssuer.start()]);
  tableName = newTableName();
  await dynamo.createPatsTable(tableName);
  pat = await store(patItem(workspaceId));
  fullPat = await store(
    patItem(workspaceId, {
      scopes: ['admin'],
      expiresAt: '2027-01-02T03:04:05.000Z',
      lastUsedAt: '2026-06-07T08:09:10.000Z',
    }),
  );
  otherWorkspacePat = await store(patItem(otherWorkspaceId));
  invoke = buildHandler(functionEnv(dynamo, issuer, tableName));
  logs.start();
});

afterAll(async () => {
  logs.stop();
  await Promise.all([dynamo.stop(), issuer.stop()]);
});

describe('200', () => {
  it('returns the PAT metadata with exactly the contract keys, valid against the OpenAPI schema', async () => {
    const result = await invoke(request({ id: pat.id, token: token(), workspace: workspaceId }));

    expect(result.statusCode).toBe(200);
    expect(json(result)).toEqual({
      data: {
        id: pat.id,
        workspaceId,
        name: 'CI deploy token',
        scopes: ['read', 'write'],
        tokenPrefix: pat.tokenPrefix,
        createdAt: '2026-01-02T03:04:05.000Z',
      },
    });
    expect(validateEnvelope(json(result))).toEqual([]);
    expect(result.body).not.toContain('tokenHash');
    expect(result.body).not.toContain(pat.tokenHash);
  });

  it('includes expiresAt and lastUsedAt when the PAT has them', async () => {
    const result = await invoke(request({ id: fullPat.id, token: token(), workspace: workspaceId }));

    expect(result.statusCode).toBe(200);
    expect(json(result).data).toEqual({
      id: fullPat.id,
      workspaceId,
      name: 'CI deploy token',
      scopes: ['admin'],
      tokenPrefix: fullPat.tokenPrefix,
      createdAt: '2026-01-02T03:04:05.000Z',
      expiresAt: '2027-01-02T03:04:05.000Z',
      lastUsedAt: '2026-06-07T08:09:10.000Z',
    });
    expect(validateEnvelope(json(result))).toEqual([]);
  });

  it('does not return attributes outside the contract (createdBy) or the hash', async () => {
    const result = await invoke(request({ id: fullPat.id, token: token(), workspace: workspaceId }));

    expect(Object.keys(json(result).data as object)).not.toContain('createdBy');
    expect(result.body).not.toContain(fullPat.tokenHash);
  });

  it('normalises upper-case, white-space-padded UUIDs in the path and the header', async () => {
    const result = await invoke(
      request({
        id: ` ${pat.id.toUpperCase()}\t`,
        token: token(),
        workspace: `  ${workspaceId.toUpperCase()} `,
      }),
    );

    expect(result.statusCode).toBe(200);
    expect(json(result).data).toMatchObject({ id: pat.id, workspaceId });
  });

  it('matches the workspace grant case-insensitively', async () => {
    const result = await invoke(
      request({ id: pat.id, token: token([workspaceId.toUpperCase()]), workspace: workspaceId }),
    );

    expect(result.statusCode).toBe(200);
  });

  it('reads the grant from a space-separated string claim', async () => {
    const result = await invoke(
      request({ id: pat.id, token: token(`${otherWorkspaceId} ${workspaceId}`), workspace: workspaceId }),
    );

    expect(result.statusCode).toBe(200);
  });

  it('accepts the Bearer scheme in any letter case', async () => {
    const result = await invoke(
      request({ id: pat.id, authorization: `bEaReR ${token()}`, workspace: workspaceId }),
    );

    expect(result.statusCode).toBe(200);
  });

  it('reads a PAT right after it is written (strongly consistent read)', async () => {
    const fresh = await store(patItem(workspaceId));
    const result = await invoke(request({ id: fresh.id, token: token(), workspace: workspaceId }));

    expect(result.statusCode).toBe(200);
  });

  it('answers with JSON, no-store and the request id', async () => {
    const event = request({ id: pat.id, token: token(), workspace: workspaceId });
    const result = await invoke(event);

    expect(result.headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-request-id': event.requestContext.requestId,
    });
  });
});

describe('401 unauthorized', () => {
  it('refuses a request without Authorization with a bare Bearer challenge', async () => {
    const result = await invoke(request({ id: pat.id, workspace: workspaceId }));

    expect(result.statusCode).toBe(401);
    expect(result.headers['www-authenticate']).toBe('Bearer realm="pats-api"');
    expect(json(result)).toMatchObject({ code: 'unauthorized' });
    expect(validateError(json(result))).toEqual([]);
  });

  it.each([
    ['Basic', 'Basic dXNlcjpwYXNz'],
    ['a bare token', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'],
    ['an empty Bearer', 'Bearer '],
  ])('refuses a non-Bearer Authorization (%s)', async (_, authorization) => {
    const result = await invoke(request({ id: pat.id, authorization, workspace: workspaceId }));

    expect(result.statusCode).toBe(401);
    expect(result.headers['www-authenticate']).toBe('Bearer realm="pats-api"');
  });

  it('refuses a personal access token, saying the endpoint needs a user JWT', async () => {
    const { secret } = patItem(workspaceId);
    secrets.push(secret);
    const result = await invoke(request({ id: pat.id, token: secret, workspace: workspaceId }));

    expect(result.statusCode).toBe(401);
    expect(json(result)).toEqual({
      code: 'unauthorized',
      message: expect.stringContaining('needs a user JWT'),
    });
    expect(result.headers['www-authenticate']).toMatch(
      /^Bearer realm="pats-api", error="invalid_token", error_description="[^"]+"$/,
    );
    expect(result.body).not.toContain(secret);
  });

  it('refuses a garbled token with an invalid_token challenge', async () => {
    const result = await invoke(request({ id: pat.id, token: 'not-a-jwt', workspace: workspaceId }));

    expect(result.statusCode).toBe(401);
    expect(result.headers['www-authenticate']).toContain('error="invalid_token"');
  });
});

describe('400', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['braced', `{${workspaceId}}`],
    ['urn:uuid: prefixed', `urn:uuid:${workspaceId}`],
    ['followed by more', `${workspaceId}x`],
    ['over-long', `${workspaceId}${'0'.repeat(5000)}`],
    ['without dashes', workspaceId.replace(/-/g, '')],
    ['not hex', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'],
  ])('answers invalid_workspace_id when X-Workspace-Id is %s', async (_, workspace) => {
    const result = await invoke(request({ id: pat.id, token: token(), workspace }));

    expect(result.statusCode).toBe(400);
    expect(json(result)).toMatchObject({ code: 'invalid_workspace_id' });
    expect(validateError(json(result))).toEqual([]);
  });

  it.each([
    ['missing', undefined],
    ['braced', `{${randomUUID()}}`],
    ['urn:uuid: prefixed', `urn:uuid:${randomUUID()}`],
    ['a path traversal', '../../etc/passwd'],
    ['over-long', `${randomUUID()}-${randomUUID()}`],
  ])('answers invalid_pat_id when the path id is %s', async (_, id) => {
    const result = await invoke(request({ id, token: token(), workspace: workspaceId }));

    expect(result.statusCode).toBe(400);
    expect(json(result)).toMatchObject({ code: 'invalid_pat_id' });
  });
});

describe('403 forbidden', () => {
  it('refuses a workspace the token does not grant', async () => {
    const result = await invoke(
      request({ id: otherWorkspacePat.id, token: token(), workspace: otherWorkspaceId }),
    );

    expect(result.statusCode).toBe(403);
    expect(json(result)).toMatchObject({ code: 'forbidden' });
    expect(validateError(json(result))).toEqual([]);
  });

  it('answers the same for a workspace that does not exist', async () => {
    const existing = await invoke(request({ id: pat.id, token: token([]), workspace: otherWorkspaceId }));
    const missing = await invoke(request({ id: pat.id, token: token([]), workspace: randomUUID() }));

    expect(missing.statusCode).toBe(403);
    expect(missing.body).toBe(existing.body);
  });

  it.each([
    ['a number', 42],
    ['an object', { [workspaceId]: true }],
    ['null', null],
    ['an array of non-strings', [1, { id: workspaceId }]],
    ['a braced UUID', [`{${workspaceId}}`]],
  ])('grants nothing when the claim is %s', async (_, claim) => {
    const result = await invoke(request({ id: pat.id, token: token(claim), workspace: workspaceId }));

    expect(result.statusCode).toBe(403);
  });

  it('grants nothing when the token has no workspace claim', async () => {
    const value = issuer.sign({ ...issuer.claims(), workspaces: undefined });
    const result = await invoke(request({ id: pat.id, token: value, workspace: workspaceId }));

    expect(result.statusCode).toBe(403);
  });
});

describe('404 not_found', () => {
  it('answers not_found for an id that does not exist', async () => {
    const result = await invoke(request({ id: randomUUID(), token: token(), workspace: workspaceId }));

    expect(result.statusCode).toBe(404);
    expect(json(result)).toMatchObject({ code: 'not_found' });
    expect(validateError(json(result))).toEqual([]);
  });

  it('answers byte-for-byte the same for a PAT of another workspace', async () => {
    const both = token([workspaceId, otherWorkspaceId]);
    const elsewhere = await invoke(
      request({ id: otherWorkspacePat.id, token: both, workspace: workspaceId }),
    );
    const nowhere = await invoke(request({ id: randomUUID(), token: both, workspace: workspaceId }));

    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.body).toBe(nowhere.body);
  });
});

describe('order of checks', () => {
  it('answers 401 before looking at a malformed workspace', async () => {
    const result = await invoke(request({ id: 'bad', token: 'bad', workspace: 'bad' }));

    expect(result.statusCode).toBe(401);
  });

  it('answers invalid_workspace_id before invalid_pat_id', async () => {
    const result = await invoke(request({ id: 'bad', token: token(), workspace: 'bad' }));

    expect(json(result)).toMatchObject({ code: 'invalid_workspace_id' });
  });

  it('answers invalid_pat_id before forbidden', async () => {
    const result = await invoke(request({ id: 'bad', token: token([]), workspace: workspaceId }));

    expect(json(result)).toMatchObject({ code: 'invalid_pat_id' });
  });

  it('answers forbidden before not_found', async () => {
    const result = await invoke(request({ id: randomUUID(), token: token([]), workspace: workspaceId }));

    expect(result.statusCode).toBe(403);
  });
});

describe('500 internal_error', () => {
  it('answers a generic 500 for a stored item missing a required attribute, and logs its key', async () => {
    const broken = patItem(workspaceId);
    const { name: _dropped, ...withoutName } = broken.item;
    await store({ ...broken, item: withoutName as typeof broken.item });
    logs.clear();

    const result = await invoke(request({ id: broken.item.id, token: token(), workspace: workspaceId }));

    expect(result.statusCode).toBe(500);
    expect(json(result)).toEqual({ code: 'internal_error', message: 'An unexpected error occurred.' });
    const errorLine = logs.records().find((record) => record.level === 'ERROR');
    expect(errorLine).toMatchObject({
      status: 500,
      error: {
        name: 'CorruptPatItemError',
        key: { workspaceId, id: broken.item.id },
        problems: ['name is missing'],
      },
    });
  });

  it('answers a generic 500 when the table does not exist, without naming it', async () => {
    const missingTable = `missing-${randomUUID()}`;
    const misconfigured = buildHandler(functionEnv(dynamo, issuer, missingTable));

    const result = await misconfigured(request({ id: pat.id, token: token(), workspace: workspaceId }));

    expect(result.statusCode).toBe(500);
    expect(json(result)).toEqual({ code: 'internal_error', message: 'An unexpected error occurred.' });
    expect(result.body).not.toContain(missingTable);
    expect(result.headers['cache-control']).toBe('no-store');
  });
});

describe('audit log', () => {
  it('writes one line per request with who read which PAT, and how it ended', async () => {
    logs.clear();
    const event = request({ id: pat.id.toUpperCase(), token: token(), workspace: workspaceId });

    await invoke(event);

    const lines = logs.records().filter((record) => record.message === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      requestId: event.requestContext.requestId,
      status: 200,
      subject: 'user-1',
      workspaceId,
      patId: pat.id,
      latencyMs: expect.any(Number),
      service: 'pats-api',
      function_request_id: expect.stringMatching(/^aws-req-/),
      function_name: 'get-pat',
      cold_start: false,
    });
  });

  it('records the refusal code and reason class of a 401', async () => {
    logs.clear();
    await invoke(request({ id: pat.id, token: 'pat_abc', workspace: workspaceId }));

    expect(logs.records().find((record) => record.message === 'request')).toMatchObject({
      status: 401,
      code: 'unauthorized',
      reason: 'pat',
    });
  });

  it('never logged a token, an Authorization value, a PAT secret or a hash in this suite', () => {
    const text = logs.text();
    for (const secret of [...tokens, ...secrets, ...hashes]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/bearer /i);
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});

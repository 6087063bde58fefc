import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parsePatToken } from '../../lambda/domain/token-format';
import { bodyOf, routeEvent, routeHandler } from '../support/harness';
import { type PatApi, startPatApi } from '../support/pat-api';

/** `POST /api/v1/pats`, through its production handler and DynamoDB Local. */
let api: PatApi;
const DAY = 86_400_000;

beforeAll(async () => {
  api = await startPatApi({ env: { PAT_MAX_PER_WORKSPACE: '3', PAT_SCOPES: 'read,write,deploy' } });
});

afterAll(async () => {
  await api.stop();
});

async function storedItem(workspaceId: string, id: string) {
  const { Item } = await api.dynamo.client.send(
    new GetCommand({ TableName: api.tableName, Key: { workspaceId, id }, ConsistentRead: true }),
  );
  return Item;
}

it('answers 201 with Location and the PAT as GET returns it, plus its token', async () => {
  const workspace = api.newWorkspace();
  const before = Date.now();

  const result = await api.call('createPat', {
    workspace,
    body: { name: 'CI deploy', scopes: ['deploy', 'read'] },
  });

  expect(result.statusCode).toBe(201);
  const { data } = bodyOf<{ data: Record<string, string> }>(result);
  expect(result.headers.location).toBe(`/api/v1/pats/${data.id}`);
  expect(data).toEqual({
    id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    workspaceId: workspace,
    name: 'CI deploy',
    scopes: ['deploy', 'read'],
    tokenPrefix: data.token?.slice(0, 12),
    createdAt: expect.any(String),
    expiresAt: expect.any(String),
    token: expect.stringMatching(/^pat_[0-9A-Za-z]{93}$/),
  });
  expect(Date.parse(data.createdAt ?? '')).toBeGreaterThanOrEqual(before - 1);
});

it('issues a token that locates its PAT and checks out, stored only as its SHA-256', async () => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace);

  const item = await storedItem(workspace, created.id);

  expect(parsePatToken(created.token)).toEqual({ workspaceId: workspace, id: created.id });
  expect(item?.tokenHash).toBe(createHash('sha256').update(created.token).digest('hex'));
  expect(JSON.stringify(item)).not.toContain(created.token);
  expect(item?.createdBy).toBe('user-1');
});

it('never shows the token again, nor its hash', async () => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace);
  const hash = createHash('sha256').update(created.token).digest('hex');

  const read = await api.call('getPat', { workspace, id: created.id });
  const listed = await api.call('listPats', { workspace });

  for (const result of [read, listed]) {
    expect(result.body).not.toContain(created.token);
    expect(result.body).not.toContain(hash);
  }
});

it('sets the expiry to 30 days from now when none is given, and keeps a given one', async () => {
  const workspace = api.newWorkspace();
  const expiresAt = new Date(Date.now() + 90 * DAY).toISOString();

  const defaulted = await api.create(workspace);
  const given = await api.create(workspace, { expiresAt });

  expect(Date.parse(defaulted.expiresAt) - Date.parse(defaulted.createdAt)).toBe(30 * DAY);
  expect(given.expiresAt).toBe(expiresAt);
});

it('lists every problem of a bad body with JSON pointers', async () => {
  const result = await api.call('createPat', {
    workspace: api.newWorkspace(),
    body: { name: '\u0007', scopes: ['read', 'admin'], expiresAt: '2020-01-01T00:00:00Z', owner: 'x' },
  });

  expect(result.statusCode).toBe(400);
  expect(bodyOf(result)).toEqual({
    code: 'invalid_body',
    message: '/name: must not contain control characters',
    errors: [
      { field: '/name', message: 'must not contain control characters' },
      { field: '/scopes/1', message: 'must be one of read, write, deploy' },
      { field: '/expiresAt', message: 'must be at least 1 hour from now' },
      { field: '/owner', message: 'is not a field of this request' },
    ],
  });
});

it.each([
  ['not JSON', '{"name": '],
  ['JSON with a repeated member', '{"name":"a","scopes":["read"],"name":"b"}'],
  ['JSON nested too deep', '{"name":"a","scopes":[[[[["read"]]]]]}'],
  ['a JSON array', '[]'],
  ['empty', ''],
])(
  'answers invalid_body for a body that is %s, first at the root pointer, which the message names',
  async (_, body) => {
    const result = await api.call('createPat', {
      workspace: api.newWorkspace(),
      body,
      contentType: 'application/json',
    });

    expect(result.statusCode).toBe(400);
    const answer = bodyOf<{ code: string; message: string; errors: unknown[] }>(result);
    expect(answer.code).toBe('invalid_body');
    expect(answer.errors[0]).toEqual({ field: '', message: answer.message });
  },
);

it.each([
  ['a right-to-left override', 'CI \u202Etpircs.exe'],
  ['zero-width spaces only', '\u200B\u200B'],
  ['a line separator', 'a\u2028b'],
])('refuses a name holding %s, which would show as something else than it is', async (_, name) => {
  const result = await api.call('createPat', {
    workspace: api.newWorkspace(),
    body: { name, scopes: ['read'] },
  });

  expect(result.statusCode).toBe(400);
  expect(bodyOf(result)).toMatchObject({ code: 'invalid_body', errors: [{ field: '/name' }] });
});

it('answers 415 to a create without a body or a Content-Type: the body is required', async () => {
  const result = await api.call('createPat', { workspace: api.newWorkspace() });

  expect(result.statusCode).toBe(415);
  expect(bodyOf(result)).toMatchObject({ code: 'unsupported_media_type' });
});

it('reads a body API Gateway passed base64-encoded', async () => {
  const workspace = api.newWorkspace();
  const event = routeEvent('createPat', {
    workspace,
    token: api.token([workspace]),
    contentType: 'application/json',
  });
  const encoded = {
    ...event,
    body: Buffer.from('{"name":"b64","scopes":["read"]}').toString('base64'),
    isBase64Encoded: true,
  };

  const result = await routeHandler('createPat', api.env())(encoded);

  expect(result.statusCode).toBe(201);
  expect(bodyOf<{ data: { name: string } }>(result).data.name).toBe('b64');
});

it('holds the per-workspace limit: one more is 409 limit_exceeded, and a revoke frees a slot', async () => {
  const workspace = api.newWorkspace();
  const created = [await api.create(workspace), await api.create(workspace), await api.create(workspace)];

  const refused = await api.call('createPat', {
    workspace,
    body: { name: 'one too many', scopes: ['read'] },
  });
  await api.call('revokePat', { workspace, id: created[0]?.id ?? '' });
  const accepted = await api.call('createPat', {
    workspace,
    body: { name: 'after a revoke', scopes: ['read'] },
  });

  expect(refused.statusCode).toBe(409);
  expect(bodyOf(refused)).toMatchObject({ code: 'limit_exceeded' });
  expect(accepted.statusCode).toBe(201);
});

it('never lets expired PATs block a workspace: at the limit, they are removed to make room', async () => {
  const workspace = api.newWorkspace();
  const [expired, live, other] = [
    await api.create(workspace),
    await api.create(workspace),
    await api.create(workspace),
  ];
  // Time passes for one of them (its expiry is the truth, however it came to be in the past).
  await api.dynamo.client.send(
    new UpdateCommand({
      TableName: api.tableName,
      Key: { workspaceId: workspace, id: expired.id },
      UpdateExpression: 'SET expiresAt = :past',
      ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
    }),
  );

  const accepted = await api.call('createPat', { workspace, body: { name: 'room made', scopes: ['read'] } });
  const refused = await api.call('createPat', { workspace, body: { name: 'no room', scopes: ['read'] } });

  expect(accepted.statusCode).toBe(201);
  expect(refused.statusCode).toBe(409);
  expect(await storedItem(workspace, expired.id)).toBeUndefined();
  expect(await storedItem(workspace, live.id)).toBeDefined();
  expect(await storedItem(workspace, other.id)).toBeDefined();
});

it('records the removal it makes room with: the expiry first, then the removal, by the limit', async () => {
  const workspace = api.newWorkspace();
  const [expired] = [await api.create(workspace), await api.create(workspace), await api.create(workspace)];
  await api.dynamo.client.send(
    new UpdateCommand({
      TableName: api.tableName,
      Key: { workspaceId: workspace, id: expired?.id },
      UpdateExpression: 'SET expiresAt = :past',
      ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
    }),
  );

  const made = bodyOf<{ data: { id: string } }>(
    await api.call('createPat', { workspace, body: { name: 'room made', scopes: ['read'] } }),
  ).data;
  const log = bodyOf<{ data: Array<{ action: string; patId: string; actor: unknown }> }>(
    await api.call('auditLog', { workspace, query: { limit: '3' } }),
  ).data;

  expect(log).toEqual([
    expect.objectContaining({ action: 'pat.created', patId: made.id }),
    expect.objectContaining({
      action: 'pat.removed',
      patId: expired?.id,
      actor: { type: 'system', subject: 'limit' },
    }),
    expect.objectContaining({
      action: 'pat.expired',
      patId: expired?.id,
      actor: { type: 'system', subject: 'limit' },
    }),
  ]);
});

it('lists an expired PAT until a create needs its slot', async () => {
  const workspace = api.newWorkspace();
  const expired = await api.create(workspace);
  await api.dynamo.client.send(
    new UpdateCommand({
      TableName: api.tableName,
      Key: { workspaceId: workspace, id: expired.id },
      UpdateExpression: 'SET expiresAt = :past',
      ExpressionAttributeValues: { ':past': '2020-01-01T00:00:00.000Z' },
    }),
  );

  const listed = bodyOf<{ data: Array<{ id: string; expiresAt: string }> }>(
    await api.call('listPats', { workspace }),
  );
  await api.create(workspace);

  expect(listed.data).toEqual([
    expect.objectContaining({ id: expired.id, expiresAt: '2020-01-01T00:00:00.000Z' }),
  ]);
  expect(await storedItem(workspace, expired.id)).toBeDefined();
});

it('holds the limit exactly under concurrent creates', async () => {
  const workspace = api.newWorkspace();

  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      api.call('createPat', { workspace, body: { name: `race ${i}`, scopes: ['read'] } }),
    ),
  );

  const statuses = results.map((result) => result.statusCode);
  expect(statuses.filter((status) => status === 201)).toHaveLength(3);
  expect(
    statuses.filter((status) => status !== 201).every((status) => status === 409 || status === 503),
  ).toBe(true);
  const listed = bodyOf<{ data: unknown[] }>(await api.call('listPats', { workspace }));
  expect(listed.data).toHaveLength(3);
});

it('writes one audit line naming the new PAT, its prefix and expiry, never its token or hash', async () => {
  const workspace = api.newWorkspace();
  const before = api.sink.lines.length;

  const created = await api.create(workspace);

  const lines = api.sink.lines.slice(before);
  const audits = lines.map((line) => JSON.parse(line)).filter((record) => record.message === 'audit');
  expect(audits).toEqual([
    expect.objectContaining({
      action: 'pat.created',
      subject: 'user-1',
      workspaceId: workspace,
      patId: created.id,
      tokenPrefix: created.tokenPrefix,
      expiresAt: created.expiresAt,
    }),
  ]);
  const text = lines.join('\n');
  expect(text).not.toContain(created.token);
  expect(text).not.toContain(createHash('sha256').update(created.token).digest('hex'));
});

it('writes no audit line when nothing was created', async () => {
  const before = api.sink.lines.length;

  await api.call('createPat', { workspace: api.newWorkspace(), body: { name: '', scopes: [] } });

  expect(
    api.sink
      .records()
      .slice(before)
      .filter((record) => record.message === 'audit'),
  ).toEqual([]);
});

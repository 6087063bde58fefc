import { randomUUID } from 'node:crypto';
import { encodeCursor } from '../../lambda/domain/cursor';
import { bodyOf } from '../support/harness';
import { type PatApi, startPatApi } from '../support/pat-api';

/** `GET /api/v1/audit-log` and the records every write leaves, through the production handlers and DynamoDB Local. */
let api: PatApi;

beforeAll(async () => {
  api = await startPatApi();
});

afterAll(async () => {
  await api.stop();
});

type Record_ = {
  id: string;
  action: string;
  patId: string;
  name: string;
  tokenPrefix: string;
  actor: { type: string; subject: string };
  occurredAt: string;
  newPatId?: string;
  reason?: string;
};
type Page = { data: Record_[]; nextCursor?: string };

async function auditLog(workspace: string, query: Record<string, string> = {}) {
  const result = await api.call('auditLog', { workspace, query });
  expect(result.statusCode).toBe(200);
  return bodyOf<Page>(result);
}

it('lists every change newest first, each with who made it, as soon as the change answered', async () => {
  const workspace = api.newWorkspace();
  const sub = `user-${randomUUID()}`;
  const created = await api.call('createPat', {
    workspace,
    token: api.token([workspace], { sub }),
    body: { name: 'CI deploy', scopes: ['read'] },
  });
  const pat = bodyOf<{ data: { id: string; tokenPrefix: string } }>(created).data;
  const rotated = bodyOf<{ data: { id: string } }>(
    await api.call('rotatePat', { workspace, id: pat.id, token: api.token([workspace], { sub }) }),
  ).data;
  await api.call('revokePat', { workspace, id: rotated.id, token: api.token([workspace], { sub }) });

  const { data, nextCursor } = await auditLog(workspace);

  expect(data.map((record) => [record.action, record.patId])).toEqual([
    ['pat.revoked', rotated.id],
    ['pat.rotated', pat.id],
    ['pat.created', pat.id],
  ]);
  expect(nextCursor).toBeUndefined();
  for (const record of data) expect(record.actor).toEqual({ type: 'user', subject: sub });
  expect(data[1]).toMatchObject({ name: 'CI deploy', tokenPrefix: pat.tokenPrefix, newPatId: rotated.id });
  expect(data[0]).toMatchObject({ reason: 'user' });
});

it('holds exactly the contract fields: no key, TTL, token or hash', async () => {
  const workspace = api.newWorkspace();
  const pat = await api.create(workspace);

  const [record] = (await auditLog(workspace)).data;

  expect(Object.keys(record ?? {}).sort()).toEqual(
    ['id', 'action', 'workspaceId', 'patId', 'name', 'tokenPrefix', 'actor', 'occurredAt'].sort(),
  );
  expect(JSON.stringify(record)).not.toContain(pat.token);
  expect(JSON.stringify(record)).not.toMatch(/ttl|tokenHash/);
});

it('records no change that did not happen', async () => {
  const workspace = api.newWorkspace();
  await api.create(workspace);

  expect((await api.call('revokePat', { workspace, id: randomUUID() })).statusCode).toBe(404);
  expect((await api.call('rotatePat', { workspace, id: randomUUID() })).statusCode).toBe(404);
  expect((await api.call('createPat', { workspace, body: { name: 'x', scopes: ['nope'] } })).statusCode).toBe(
    400,
  );

  expect((await auditLog(workspace)).data.map((record) => record.action)).toEqual(['pat.created']);
});

it('pages through every record once, never handing a cursor to an empty page', async () => {
  const workspace = api.newWorkspace();
  for (let i = 0; i < 5; i += 1) await api.create(workspace, { name: `pat ${i}` });
  const seen: string[] = [];

  let cursor: string | undefined;
  let pages = 0;
  do {
    const next = await auditLog(workspace, { limit: '2', ...(cursor !== undefined ? { cursor } : {}) });
    expect(next.data.length).toBeGreaterThan(0);
    seen.push(...next.data.map((record) => record.name));
    cursor = next.nextCursor;
    pages += 1;
  } while (cursor !== undefined);

  expect(seen).toEqual(['pat 4', 'pat 3', 'pat 2', 'pat 1', 'pat 0']);
  expect(pages).toBe(3);
});

it("filters by patId: a PAT's records, as the PAT acted on or a rotation's new one", async () => {
  const workspace = api.newWorkspace();
  const pat = await api.create(workspace);
  await api.create(workspace, { name: 'other' });
  const rotated = bodyOf<{ data: { id: string } }>(
    await api.call('rotatePat', { workspace, id: pat.id }),
  ).data;

  const ofOld = await auditLog(workspace, { patId: pat.id });
  const ofNew = await auditLog(workspace, { patId: rotated.id.toUpperCase() });

  expect(ofOld.data.map((record) => record.action)).toEqual(['pat.rotated', 'pat.created']);
  expect(ofNew.data.map((record) => record.action)).toEqual(['pat.rotated']);
});

it('fills a filtered page past records of other PATs, and pages it', async () => {
  const workspace = api.newWorkspace();
  const pat = await api.create(workspace);
  for (let i = 0; i < 3; i += 1) await api.create(workspace, { name: `noise ${i}` });
  await api.call('rotatePat', { workspace, id: pat.id });

  const first = await auditLog(workspace, { patId: pat.id, limit: '1' });
  const second = await auditLog(workspace, { patId: pat.id, limit: '1', cursor: first.nextCursor ?? '' });

  expect(first.data.map((record) => record.action)).toEqual(['pat.rotated']);
  expect(second.data.map((record) => record.action)).toEqual(['pat.created']);
  expect(second.nextCursor).toBeUndefined();
});

it.each([
  ['an unknown parameter', { since: 'yesterday' }, 'invalid_query'],
  ['a malformed patId', { patId: 'not-a-uuid' }, 'invalid_query'],
  ['a limit of 0', { limit: '0' }, 'invalid_query'],
  ['a limit over 100', { limit: '101' }, 'invalid_query'],
  ['a cursor of the PAT list', { cursor: encodeCursor('w', randomUUID()) }, 'invalid_cursor'],
  ['a cursor that is not one', { cursor: 'abc' }, 'invalid_cursor'],
])('refuses %s with 400 %s', async (_, query, code) => {
  const workspace = api.newWorkspace();

  const result = await api.call('auditLog', { workspace, query });

  expect(result.statusCode).toBe(400);
  expect(bodyOf(result)).toMatchObject({ code });
});

it("refuses a cursor of another workspace's audit log", async () => {
  const [mine, theirs] = [api.newWorkspace(), api.newWorkspace()];
  await api.create(theirs);
  await api.create(theirs);
  const { nextCursor } = await auditLog(theirs, { limit: '1' });

  const result = await api.call('auditLog', { workspace: mine, query: { cursor: nextCursor ?? '' } });

  expect(result.statusCode).toBe(400);
  expect(bodyOf(result)).toMatchObject({ code: 'invalid_cursor' });
});

it("shows no workspace's records to a user it does not grant", async () => {
  const workspace = api.newWorkspace();
  await api.create(workspace);

  const result = await api.call('auditLog', { workspace, token: api.token([randomUUID()]) });

  expect(result.statusCode).toBe(403);
});

it('lists an empty workspace as an empty page', async () => {
  expect(await auditLog(api.newWorkspace())).toEqual({ data: [] });
});

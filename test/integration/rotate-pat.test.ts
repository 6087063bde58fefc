import { randomUUID } from 'node:crypto';
import type { PatRepository } from '../../lambda/domain/ports';
import { bodyOf, routeEvent, routeHandler } from '../support/harness';
import { type CreatedPat, type PatApi, startPatApi } from '../support/pat-api';
import { formattedPatItem, legacyPatItem } from '../support/pats';
import { repositoryOn } from '../support/repository';

/** `POST /api/v1/pats/{id}/rotate`, through its production handler and DynamoDB Local. */
let api: PatApi;
const DAY = 86_400_000;

beforeAll(async () => {
  api = await startPatApi({ env: { PAT_MAX_PER_WORKSPACE: '2' } });
});

afterAll(async () => {
  await api.stop();
});

async function rotate(workspace: string, id: string, body?: unknown) {
  const result = await api.call('rotatePat', { workspace, id, ...(body !== undefined ? { body } : {}) });
  return { result, data: result.statusCode === 201 ? bodyOf<{ data: CreatedPat }>(result).data : undefined };
}

it('replaces the PAT by a new one with the same name and scopes, a new id and token', async () => {
  const workspace = api.newWorkspace();
  const old = await api.create(workspace, { name: 'deployer', scopes: ['write', 'read'] });

  const { result, data } = await rotate(workspace, old.id);

  expect(result.statusCode).toBe(201);
  expect(result.headers.location).toBe(`/api/v1/pats/${data?.id}`);
  expect(data).toMatchObject({ workspaceId: workspace, name: 'deployer', scopes: ['write', 'read'] });
  expect(data?.id).not.toBe(old.id);
  expect(data?.token).not.toBe(old.token);
  expect(data?.id && data.id > old.id).toBe(true);
  expect((await api.call('getPat', { workspace, id: old.id })).statusCode).toBe(404);
  expect((await api.call('getPat', { workspace, id: data?.id ?? '' })).statusCode).toBe(200);
});

it('keeps the old lifetime when no expiry is given, and takes a given one', async () => {
  const workspace = api.newWorkspace();
  const old = await api.create(workspace, { expiresAt: new Date(Date.now() + 7 * DAY).toISOString() });
  const lifetime = Date.parse(old.expiresAt) - Date.parse(old.createdAt);
  const given = new Date(Date.now() + 2 * DAY).toISOString();

  const kept = await rotate(workspace, old.id, {});
  const changed = await rotate(workspace, kept.data?.id ?? '', { expiresAt: given });

  expect(Date.parse(kept.data?.expiresAt ?? '') - Date.parse(kept.data?.createdAt ?? '')).toBe(lifetime);
  expect(changed.data?.expiresAt).toBe(given);
});

it('gives the successor of a PAT without an expiry the maximum lifetime', async () => {
  const workspace = api.newWorkspace();
  const { item } = legacyPatItem(workspace);
  await api.dynamo.put(api.tableName, item);

  const { data } = await rotate(workspace, item.id);

  expect(Date.parse(data?.expiresAt ?? '') - Date.parse(data?.createdAt ?? '')).toBe(365 * DAY);
});

describe('a PAT that has stopped working', () => {
  it('cannot be rotated once expired: 409 pat_expired, and nothing is written', async () => {
    const workspace = api.newWorkspace();
    const { item } = formattedPatItem(workspace, { expiresAt: '2020-01-01T00:00:00.000Z' });
    await api.dynamo.put(api.tableName, item);

    const { result } = await rotate(workspace, item.id);

    expect(result.statusCode).toBe(409);
    expect(bodyOf(result)).toEqual({
      code: 'pat_expired',
      message: 'This personal access token has expired and cannot be rotated: create a new one.',
    });
    expect((await api.call('getPat', { workspace, id: item.id })).statusCode).toBe(200);
    expect(bodyOf<{ data: unknown[] }>(await api.call('listPats', { workspace })).data).toHaveLength(1);
  });

  it('keeps only the scopes the policy still allows', async () => {
    const workspace = api.newWorkspace();
    const old = await api.create(workspace, { scopes: ['read', 'write'] });
    const readOnly = routeHandler('rotatePat', api.env({ PAT_SCOPES: 'read' }));

    const result = await readOnly(
      routeEvent('rotatePat', { workspace, id: old.id, token: api.token([workspace]) }),
    );

    expect(result.statusCode).toBe(201);
    expect(bodyOf<{ data: CreatedPat }>(result).data.scopes).toEqual(['read']);
  });

  it('cannot be rotated once every scope it holds is retired: 409 scopes_retired', async () => {
    const workspace = api.newWorkspace();
    const old = await api.create(workspace, { scopes: ['write'] });
    const readOnly = routeHandler('rotatePat', api.env({ PAT_SCOPES: 'read' }));

    const result = await readOnly(
      routeEvent('rotatePat', { workspace, id: old.id, token: api.token([workspace]) }),
    );

    expect(result.statusCode).toBe(409);
    expect(bodyOf(result)).toMatchObject({ code: 'scopes_retired' });
    expect((await api.call('getPat', { workspace, id: old.id })).statusCode).toBe(200);
  });
});

it('uses no slot of the workspace limit', async () => {
  const workspace = api.newWorkspace();
  const [first] = [await api.create(workspace), await api.create(workspace)];

  const { result } = await rotate(workspace, first?.id ?? '');

  expect(result.statusCode).toBe(201);
  expect(
    (await api.call('createPat', { workspace, body: { name: 'third', scopes: ['read'] } })).statusCode,
  ).toBe(409);
});

it('answers 404, byte-identical to GET, for an unknown, revoked or already rotated PAT', async () => {
  const workspace = api.newWorkspace();
  const revoked = await api.create(workspace);
  await api.call('revokePat', { workspace, id: revoked.id });
  const rotated = await api.create(workspace);
  await rotate(workspace, rotated.id);
  const read = await api.call('getPat', { workspace, id: randomUUID() });

  for (const id of [randomUUID(), revoked.id, rotated.id]) {
    const { result } = await rotate(workspace, id);
    expect(result.statusCode).toBe(404);
    expect(result.body).toBe(read.body);
  }
});

it('lets exactly one of two concurrent rotations of one PAT through: one 201, one 404', async () => {
  const workspace = api.newWorkspace();
  const old = await api.create(workspace);

  const results = await Promise.all([rotate(workspace, old.id), rotate(workspace, old.id)]);

  expect(results.map(({ result }) => result.statusCode).sort()).toEqual([201, 404]);
  const winner = results.find(({ data }) => data !== undefined)?.data;
  const listed = bodyOf<{ data: Array<{ id: string }> }>(await api.call('listPats', { workspace }));
  expect(listed.data.map((pat) => pat.id)).toEqual([winner?.id]);
});

it('answers 404 and creates nothing when the PAT is revoked after it was read, before the rotation is written', async () => {
  const workspace = api.newWorkspace();
  const old = await api.create(workspace);
  const stored = repositoryOn({ client: api.dynamo.client, tableName: api.tableName });
  // The revoke lands between the rotation's read and its transaction.
  const revokedAfterRead: PatRepository = Object.assign(Object.create(stored) as PatRepository, {
    findById: async (workspaceId: string, id: string) => {
      const found = await stored.findById(workspaceId, id);
      await api.call('revokePat', { workspace, id: old.id });
      return found;
    },
  });
  const rotateRacing = routeHandler('rotatePat', api.env(), { overrides: { repository: revokedAfterRead } });

  const result = await rotateRacing(
    routeEvent('rotatePat', { workspace, id: old.id, token: api.token([workspace]) }),
  );

  expect(result.statusCode).toBe(404);
  const listed = bodyOf<{ data: unknown[] }>(await api.call('listPats', { workspace }));
  expect(listed.data).toEqual([]);
});

it('refuses a body field other than expiresAt, and an expiry beyond the maximum', async () => {
  const workspace = api.newWorkspace();
  const old = await api.create(workspace);

  const renamed = await rotate(workspace, old.id, { name: 'new name' });
  const tooLong = await rotate(workspace, old.id, {
    expiresAt: new Date(Date.now() + 400 * DAY).toISOString(),
  });

  expect(renamed.result.statusCode).toBe(400);
  expect(bodyOf(renamed.result)).toMatchObject({ errors: [{ field: '/name' }] });
  expect(tooLong.result.statusCode).toBe(400);
  expect((await api.call('getPat', { workspace, id: old.id })).statusCode).toBe(200);
});

it('writes one audit line naming the old and the new PAT', async () => {
  const workspace = api.newWorkspace();
  const old = await api.create(workspace);
  const before = api.sink.lines.length;

  const { data } = await rotate(workspace, old.id);

  expect(
    api.sink
      .records()
      .slice(before)
      .filter((record) => record.message === 'audit'),
  ).toEqual([
    expect.objectContaining({
      action: 'pat.rotated',
      workspaceId: workspace,
      patId: data?.id,
      replacedPatId: old.id,
      tokenPrefix: data?.tokenPrefix,
      expiresAt: data?.expiresAt,
    }),
  ]);
  expect(api.sink.text()).not.toContain(data?.token);
});

import { randomUUID } from 'node:crypto';
import { bodyOf } from '../support/harness';
import { type PatApi, startPatApi } from '../support/pat-api';
import { legacyPatItem } from '../support/pats';

/** `DELETE /api/v1/pats/{id}`, through its production handler and DynamoDB Local. */
let api: PatApi;

beforeAll(async () => {
  api = await startPatApi();
});

afterAll(async () => {
  await api.stop();
});

it('answers 204 with no body, after which the PAT is gone', async () => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace);

  const result = await api.call('revokePat', { workspace, id: created.id });

  expect(result.statusCode).toBe(204);
  expect(result.body).toBeUndefined();
  expect(result.headers['content-type']).toBeUndefined();
  expect(result.headers['cache-control']).toBe('no-store');
  expect(result.headers['x-request-id']).toBeTruthy();
  expect((await api.call('getPat', { workspace, id: created.id })).statusCode).toBe(404);
});

it('answers a second revoke, an unknown id and a PAT of another workspace with the same 404 as GET', async () => {
  const [mine, theirs] = [api.newWorkspace(), api.newWorkspace()];
  const created = await api.create(mine);
  const theirPat = await api.create(theirs);
  const both = api.token([mine, theirs]);
  await api.call('revokePat', { workspace: mine, id: created.id });

  const again = await api.call('revokePat', { workspace: mine, id: created.id, token: both });
  const unknown = await api.call('revokePat', { workspace: mine, id: randomUUID(), token: both });
  const foreign = await api.call('revokePat', { workspace: mine, id: theirPat.id, token: both });
  const read = await api.call('getPat', { workspace: mine, id: randomUUID(), token: both });

  for (const result of [again, unknown, foreign]) {
    expect(result.statusCode).toBe(404);
    expect(result.body).toBe(read.body);
  }
  expect((await api.call('getPat', { workspace: theirs, id: theirPat.id })).statusCode).toBe(200);
});

it('revokes a PAT stored before the token format and the per-workspace counter', async () => {
  const workspace = api.newWorkspace();
  const { item } = legacyPatItem(workspace);
  await api.dynamo.put(api.tableName, item);

  expect((await api.call('revokePat', { workspace, id: item.id })).statusCode).toBe(204);
  expect((await api.call('getPat', { workspace, id: item.id })).statusCode).toBe(404);
});

it('writes one audit line naming the revoked PAT, its prefix and expiry', async () => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace);
  const before = api.sink.lines.length;

  await api.call('revokePat', { workspace, id: created.id, token: api.token([workspace], { sub: 'bob' }) });

  expect(
    api.sink
      .records()
      .slice(before)
      .filter((record) => record.message === 'audit'),
  ).toEqual([
    expect.objectContaining({
      action: 'pat.revoked',
      subject: 'bob',
      workspaceId: workspace,
      patId: created.id,
      tokenPrefix: created.tokenPrefix,
      expiresAt: created.expiresAt,
    }),
  ]);
});

it('lets exactly one of two concurrent revokes succeed', async () => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace);

  const results = await Promise.all([
    api.call('revokePat', { workspace, id: created.id }),
    api.call('revokePat', { workspace, id: created.id }),
  ]);

  expect(results.map((result) => result.statusCode).sort()).toEqual([204, 404]);
  expect(
    bodyOf(results.find((result) => result.statusCode === 404) ?? results[0] ?? ({} as never)),
  ).toMatchObject({
    code: 'not_found',
  });
});

import { encodeCursor } from '../../lambda/domain/cursor';
import { bodyOf } from '../support/harness';
import { type CreatedPat, type PatApi, startPatApi } from '../support/pat-api';

/** `GET /api/v1/pats`, through its production handler and DynamoDB Local. */
let api: PatApi;

beforeAll(async () => {
  api = await startPatApi();
});

afterAll(async () => {
  await api.stop();
});

type Page = { data: Array<{ id: string }>; nextCursor?: string };

async function createMany(workspace: string, count: number): Promise<CreatedPat[]> {
  const created: CreatedPat[] = [];
  for (let i = 0; i < count; i += 1) created.push(await api.create(workspace, { name: `pat ${i}` }));
  return created;
}

async function page(workspace: string, query: Record<string, string> = {}) {
  const result = await api.call('listPats', { workspace, query });
  expect(result.statusCode).toBe(200);
  return bodyOf<Page>(result);
}

it('lists the PATs newest first, each exactly as GET returns it', async () => {
  const workspace = api.newWorkspace();
  const created = await createMany(workspace, 3);

  const { data, nextCursor } = await page(workspace);

  expect(data).toEqual(created.reverse().map(({ token: _token, ...metadata }) => metadata));
  expect(nextCursor).toBeUndefined();
});

it('pages with limit and cursor through every PAT once, and never hands a cursor to an empty page', async () => {
  const workspace = api.newWorkspace();
  const created = await createMany(workspace, 5);
  const seen: string[] = [];
  const cursors: Array<string | undefined> = [];

  let cursor: string | undefined;
  do {
    const next = await page(workspace, { limit: '2', ...(cursor !== undefined ? { cursor } : {}) });
    expect(next.data.length).toBeGreaterThan(0);
    seen.push(...next.data.map((pat) => pat.id));
    cursor = next.nextCursor;
    cursors.push(cursor);
  } while (cursor !== undefined);

  expect(seen).toEqual(created.map((pat) => pat.id).reverse());
  expect(cursors.map((value) => value !== undefined)).toEqual([true, true, false]);
});

it('gives no cursor when the last page is exactly full', async () => {
  const workspace = api.newWorkspace();
  await createMany(workspace, 2);

  expect((await page(workspace, { limit: '2' })).nextCursor).toBeUndefined();
});

it('pages 20 at a time by default', async () => {
  const workspace = api.newWorkspace();
  await createMany(workspace, 21);

  const first = await page(workspace);

  expect(first.data).toHaveLength(20);
  expect(first.nextCursor).toBeDefined();
});

it('lists an empty workspace as an empty page', async () => {
  expect(await page(api.newWorkspace())).toEqual({ data: [] });
});

it('lists a PAT right after it is created and not after it is revoked (strongly consistent)', async () => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace);
  expect((await page(workspace)).data.map((pat) => pat.id)).toEqual([created.id]);

  await api.call('revokePat', { workspace, id: created.id });

  expect((await page(workspace)).data).toEqual([]);
});

it.each([
  ['limit 0', { limit: '0' }],
  ['limit 101', { limit: '101' }],
  ['a negative limit', { limit: '-1' }],
  ['a fractional limit', { limit: '1.5' }],
  ['a limit with a sign', { limit: '+5' }],
  ['a limit in another notation', { limit: '1e1' }],
  ['an empty limit', { limit: '' }],
  ['a repeated limit (joined with a comma)', { limit: '1,2' }],
  ['an unknown parameter', { offset: '10' }],
])('answers invalid_query for %s', async (_, query) => {
  const result = await api.call('listPats', { workspace: api.newWorkspace(), query });

  expect(result.statusCode).toBe(400);
  expect(bodyOf(result)).toMatchObject({ code: 'invalid_query' });
});

it.each(['1', '100', '042'])('takes limit %s: any decimal from 1 to 100', async (limit) => {
  const result = await api.call('listPats', { workspace: api.newWorkspace(), query: { limit } });

  expect(result.statusCode).toBe(200);
});

it('refuses the cursor of another workspace, even for a member of both', async () => {
  const [mine, theirs] = [api.newWorkspace(), api.newWorkspace()];
  await createMany(theirs, 3);
  const { nextCursor } = await page(theirs, { limit: '1' });

  const result = await api.call('listPats', {
    workspace: mine,
    token: api.token([mine, theirs]),
    query: { cursor: nextCursor ?? '' },
  });

  expect(result.statusCode).toBe(400);
  expect(bodyOf(result)).toMatchObject({ code: 'invalid_cursor' });
});

it.each([
  ['garbage', () => 'not-a-cursor'],
  ['empty', () => ''],
  ['naming the counter item of its workspace', (workspace: string) => encodeCursor(workspace, '#pat-count')],
])('answers invalid_cursor for a cursor %s', async (_, cursorFor) => {
  const workspace = api.newWorkspace();

  const result = await api.call('listPats', { workspace, query: { cursor: cursorFor(workspace) } });

  expect(result.statusCode).toBe(400);
  expect(bodyOf(result)).toMatchObject({ code: 'invalid_cursor' });
});

it('keeps listing from the cursor after the PAT it names was revoked', async () => {
  const workspace = api.newWorkspace();
  const [oldest, middle] = await createMany(workspace, 3);
  const first = await page(workspace, { limit: '2' });
  await api.call('revokePat', { workspace, id: middle?.id ?? '' });

  const rest = await page(workspace, { limit: '2', cursor: first.nextCursor ?? '' });

  expect(rest.data.map((pat) => pat.id)).toEqual([oldest?.id]);
});

it('writes a request line and no audit line: reading changes nothing', async () => {
  const workspace = api.newWorkspace();
  await api.create(workspace);
  const before = api.sink.lines.length;

  await page(workspace);

  const messages = api.sink
    .records()
    .slice(before)
    .map((record) => record.message);
  expect(messages).toContain('request');
  expect(messages).not.toContain('audit');
});

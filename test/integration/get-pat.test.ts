import { randomUUID } from 'node:crypto';
import { bodyOf, routeEvent, routeHandler, Sink, steppingClock } from '../support/harness';
import { type PatApi, startPatApi } from '../support/pat-api';
import { legacyPatItem } from '../support/pats';

/** `GET /api/v1/pats/{id}`, the seed's endpoint, through its production handler and DynamoDB Local. */
let api: PatApi;

beforeAll(async () => {
  api = await startPatApi();
});

afterAll(async () => {
  await api.stop();
});

describe('200', () => {
  it('returns a PAT created through the API with exactly the contract keys, right after its creation', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace, { name: 'CI deploy', scopes: ['read', 'write'] });

    const result = await api.call('getPat', { id: created.id, workspace });

    expect(result.statusCode).toBe(200);
    const { token: _token, ...metadata } = created;
    expect(bodyOf(result)).toEqual({ data: metadata });
  });

  it('includes lastUsedAt and expiresAt when the item has them, and leaves out what it does not', async () => {
    const workspace = api.newWorkspace();
    const withBoth = legacyPatItem(workspace, {
      expiresAt: '2027-01-02T03:04:05.000Z',
      lastUsedAt: '2026-06-07T08:09:10.000Z',
    });
    const withNeither = legacyPatItem(workspace);
    await api.dynamo.put(api.tableName, withBoth.item);
    await api.dynamo.put(api.tableName, withNeither.item);

    const both = bodyOf<{ data: Record<string, unknown> }>(
      await api.call('getPat', { id: withBoth.item.id, workspace }),
    );
    const neither = bodyOf<{ data: Record<string, unknown> }>(
      await api.call('getPat', { id: withNeither.item.id, workspace }),
    );

    expect(both.data).toMatchObject({
      expiresAt: '2027-01-02T03:04:05.000Z',
      lastUsedAt: '2026-06-07T08:09:10.000Z',
    });
    expect(Object.keys(neither.data)).not.toEqual(expect.arrayContaining(['expiresAt']));
    expect(Object.keys(neither.data)).not.toEqual(expect.arrayContaining(['lastUsedAt']));
  });

  it('returns nothing outside the contract: neither createdBy nor the hash', async () => {
    const workspace = api.newWorkspace();
    const { item } = legacyPatItem(workspace);
    await api.dynamo.put(api.tableName, item);

    const result = await api.call('getPat', { id: item.id, workspace });

    expect(Object.keys(bodyOf<{ data: object }>(result).data)).not.toContain('createdBy');
    expect(result.body).not.toContain(item.tokenHash);
  });

  it('normalises upper-case, white-space-padded UUIDs in the path and the header', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);

    const result = await api.call('getPat', {
      id: ` ${created.id.toUpperCase()}\t`,
      workspace: `  ${workspace.toUpperCase()} `,
      token: api.token([workspace]),
    });

    expect(result.statusCode).toBe(200);
    expect(bodyOf<{ data: object }>(result).data).toMatchObject({ id: created.id, workspaceId: workspace });
  });

  it.each([
    ['in upper case', (workspace: string) => [workspace.toUpperCase()]],
    ['as one space-separated string', (workspace: string) => `${randomUUID()} ${workspace}`],
  ])('reads the workspace grant %s', async (_, claim) => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);

    const result = await api.call('getPat', {
      id: created.id,
      workspace,
      token: api.token(claim(workspace)),
    });

    expect(result.statusCode).toBe(200);
  });

  it('accepts the Bearer scheme in any letter case', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);

    const result = await api.call('getPat', {
      id: created.id,
      workspace,
      authorization: `bEaReR ${api.token([workspace])}`,
    });

    expect(result.statusCode).toBe(200);
  });
});

describe('403 and 404', () => {
  it('answers 403 for a workspace the token does not grant, the same whether the workspace exists', async () => {
    const [mine, theirs] = [api.newWorkspace(), api.newWorkspace()];
    const theirPat = await api.create(theirs);
    const token = api.token([mine]);

    const existing = await api.call('getPat', { id: theirPat.id, workspace: theirs, token });
    const missing = await api.call('getPat', { id: theirPat.id, workspace: randomUUID(), token });

    expect(existing.statusCode).toBe(403);
    expect(bodyOf(existing)).toMatchObject({ code: 'forbidden' });
    expect(missing.body).toBe(existing.body);
  });

  it.each([
    ['a number', 42],
    ['an object', { key: true }],
    ['null', null],
    ['an array of non-strings', [1, { id: 'x' }]],
  ])('grants nothing when the workspace claim is %s', async (_, claim) => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);

    expect(
      (await api.call('getPat', { id: created.id, workspace, token: api.token(claim) })).statusCode,
    ).toBe(403);
  });

  it('answers 404 byte-for-byte the same for an id that does not exist and a PAT of another workspace', async () => {
    const [mine, theirs] = [api.newWorkspace(), api.newWorkspace()];
    const theirPat = await api.create(theirs);
    const both = api.token([mine, theirs]);

    const foreign = await api.call('getPat', { id: theirPat.id, workspace: mine, token: both });
    const unknown = await api.call('getPat', { id: randomUUID(), workspace: mine, token: both });

    expect(foreign.statusCode).toBe(404);
    expect(bodyOf(foreign)).toMatchObject({ code: 'not_found' });
    expect(foreign.body).toBe(unknown.body);
  });
});

describe('500', () => {
  it('answers a generic 500 for a stored item missing a required attribute, and logs its key', async () => {
    const workspace = api.newWorkspace();
    const { item } = legacyPatItem(workspace);
    const { name: _dropped, ...withoutName } = item;
    await api.dynamo.put(api.tableName, withoutName);

    const result = await api.call('getPat', { id: item.id, workspace });

    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toEqual({ code: 'internal_error', message: 'An unexpected error occurred.' });
    expect(
      api.sink.records().find((record) => record.level === 'ERROR' && record.patId === item.id),
    ).toMatchObject({
      status: 500,
      code: 'internal_error',
      key: { workspaceId: workspace, id: item.id },
      problems: ['name is missing'],
      error: { name: 'CorruptPatItemError', message: 'Stored PAT item is invalid: name is missing' },
    });
  });

  it('answers a generic 500 when the table does not exist, without naming it', async () => {
    const missingTable = `missing-${randomUUID()}`;
    const misconfigured = routeHandler('getPat', { ...api.env(), TABLE_NAME: missingTable });
    const workspace = api.newWorkspace();

    const result = await misconfigured(
      routeEvent('getPat', { id: randomUUID(), workspace, token: api.token([workspace]) }),
    );

    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toEqual({ code: 'internal_error', message: 'An unexpected error occurred.' });
    expect(result.body).not.toContain(missingTable);
  });

  it('logs an unexpected failure as "request failed" at ERROR, with the error and its stack', async () => {
    const sink = new Sink();
    const misconfigured = routeHandler(
      'getPat',
      { ...api.env(), TABLE_NAME: `missing-${randomUUID()}` },
      { sink },
    );
    const workspace = api.newWorkspace();

    await misconfigured(routeEvent('getPat', { id: randomUUID(), workspace, token: api.token([workspace]) }));

    const [line] = sink.records().filter((record) => record.level === 'ERROR');
    expect(line).toMatchObject({
      message: 'request failed',
      status: 500,
      code: 'internal_error',
      error: { name: 'ResourceNotFoundException', message: expect.any(String), stack: expect.any(String) },
    });
  });
});

describe('503', () => {
  it('logs an unavailable DynamoDB as "request failed" at ERROR, with the error and its cause, no stack', async () => {
    const sink = new Sink();
    const unreachable = routeHandler(
      'getPat',
      { ...api.env(), DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', DYNAMODB_MAX_ATTEMPTS: '1' },
      { sink },
    );
    const workspace = api.newWorkspace();

    const result = await unreachable(
      routeEvent('getPat', { id: randomUUID(), workspace, token: api.token([workspace]) }),
    );

    expect(result.statusCode).toBe(503);
    const [line] = sink.records().filter((record) => record.level === 'ERROR');
    expect(line).toMatchObject({
      message: 'request failed',
      status: 503,
      code: 'service_unavailable',
      dependency: 'dynamodb',
      error: {
        name: 'ServiceUnavailableError',
        cause: { name: expect.any(String), message: expect.any(String) },
      },
    });
    expect(line?.error).not.toHaveProperty('stack');
  });
});

describe('the request line', () => {
  it('says who read which PAT and how it ended, in one line per request', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);
    const before = api.sink.records().length;

    await api.call('getPat', {
      id: created.id.toUpperCase(),
      workspace,
      token: api.token([workspace], { sub: 'alice' }),
    });

    const lines = api.sink
      .records()
      .slice(before)
      .filter((record) => record.message === 'request');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        route: 'getPat',
        status: 200,
        subject: 'alice',
        workspaceId: workspace,
        patId: created.id,
        latencyMs: expect.any(Number),
        service: 'pats-api',
        function_name: 'getPat',
      }),
    ]);
    // An error code only where there was an error.
    expect(lines[0]).not.toHaveProperty('code');
  });

  it('measures the request on the handler clock, from the event to the response', async () => {
    const sink = new Sink();
    const clocked = routeHandler('getPat', api.env(), { sink, overrides: { clock: steppingClock(25) } });
    const workspace = api.newWorkspace();

    await clocked(routeEvent('getPat', { id: randomUUID(), workspace, token: api.token([workspace]) }));

    expect(sink.records().find((record) => record.message === 'request')).toMatchObject({
      status: 404,
      latencyMs: 25,
    });
  });

  it('stamps the Lambda request id on a direct invocation, which carries no API Gateway request id', async () => {
    const workspace = api.newWorkspace();
    const event = routeEvent('getPat', { id: randomUUID(), workspace, token: api.token([workspace]) });
    const direct = { ...event, requestContext: { ...event.requestContext, requestId: undefined } };

    const result = await routeHandler('getPat', api.env())(direct as unknown as typeof event);

    expect(result.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

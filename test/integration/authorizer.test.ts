import { authorizerEvent } from '../../local/aws-payloads';
import { emfDirective, emfDocuments } from '../support/emf';
import { FaultProxy } from '../support/fault-proxy';
import { type Authorize, authorizerHandler, bodyOf, Sink, steppingClock } from '../support/harness';
import { TestIssuer } from '../support/issuer';
import { type PatApi, startPatApi } from '../support/pat-api';
import { formattedPatItem } from '../support/pats';
import { relocated, withTypo } from '../support/tokens';

/**
 * The credential authorizer's production handler against DynamoDB Local and a real issuer (keys
 * over HTTP), PATs created, revoked and rotated through the management routes. API Gateway's part
 * (401 without a header, 403 on deny, 500 on a throw, the cache) is the local gateway's, tested in
 * test/local/credential-routes.test.ts.
 */
let api: PatApi;
let proxy: FaultProxy;
let authorize: Authorize;
const sink = new Sink();
const bearer = (token: string) => `Bearer ${token}`;

beforeAll(async () => {
  api = await startPatApi();
  proxy = await FaultProxy.start(api.dynamo.endpoint);
  authorize = authorizerHandler(
    api.env({
      DYNAMODB_ENDPOINT: proxy.endpoint,
      DYNAMODB_MAX_ATTEMPTS: '2',
      DYNAMODB_REQUEST_TIMEOUT_MS: '300',
      ROUTE_SCOPES: JSON.stringify({ 'GET /api/v1/whoami': [], 'GET /api/v1/reports': ['write'] }),
    }),
    { sink },
  );
});

afterAll(async () => {
  await proxy.stop();
  await api.stop();
});

afterEach(async () => {
  proxy.clear();
  await proxy.restart();
});

describe('a PAT', () => {
  it('is allowed with its context when created through the API', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace, { name: 'deploy bot', scopes: ['read', 'write'] });

    const result = await authorize(bearer(created.token));

    expect(result).toEqual({
      isAuthorized: true,
      context: {
        tokenType: 'pat',
        subject: 'user-1',
        workspaceId: workspace,
        patId: created.id,
        name: 'deploy bot',
        expiresAt: created.expiresAt,
        scopes: 'read write',
      },
    });
  });

  it('is refused once revoked', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);
    expect((await authorize(bearer(created.token))).isAuthorized).toBe(true);

    await api.call('revokePat', { workspace, id: created.id });

    expect(await authorize(bearer(created.token))).toEqual({ isAuthorized: false, context: {} });
  });

  it('is refused under its old token once rotated, and allowed under the new one', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);

    const rotated = await api.call('rotatePat', { workspace, id: created.id, body: {} });
    const replacement = bodyOf<{ data: { id: string; token: string } }>(rotated).data;

    expect((await authorize(bearer(created.token))).isAuthorized).toBe(false);
    expect(await authorize(bearer(replacement.token))).toMatchObject({
      isAuthorized: true,
      context: { patId: replacement.id },
    });
  });

  it('is refused once expired', async () => {
    const workspace = api.newWorkspace();
    const { token, item } = formattedPatItem(workspace, {
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    await api.dynamo.put(api.tableName, item);

    expect((await authorize(bearer(token))).isAuthorized).toBe(false);
  });

  it('is refused from the very millisecond its expiresAt is no longer in the future', async () => {
    const workspace = api.newWorkspace();
    const expiresAt = '2027-03-04T05:06:07.890Z';
    const { token, item } = formattedPatItem(workspace, { expiresAt });
    await api.dynamo.put(api.tableName, item);
    let now = Date.parse(expiresAt) - 1;
    const clocked = authorizerHandler(api.env(), { overrides: { clock: { now: () => now } } });

    const before = await clocked(bearer(token));
    now += 1;
    const at = await clocked(bearer(token));

    expect(before.isAuthorized).toBe(true);
    expect(at.isAuthorized).toBe(false);
  });

  it('is refused on a route needing a scope it lacks, and allowed where it holds it', async () => {
    const workspace = api.newWorkspace();
    const reader = await api.create(workspace, { scopes: ['read'] });
    const writer = await api.create(workspace, { scopes: ['read', 'write'] });

    expect((await authorize(bearer(reader.token), 'GET /api/v1/reports')).isAuthorized).toBe(false);
    expect((await authorize(bearer(writer.token), 'GET /api/v1/reports')).isAuthorized).toBe(true);
    // A route the table gives no scopes takes any valid PAT.
    expect((await authorize(bearer(reader.token), 'GET /api/v1/whoami')).isAuthorized).toBe(true);
  });

  it('is refused on a route the authorizer was not told of: a PAT may call listed routes only', async () => {
    const created = await api.create(api.newWorkspace(), { scopes: ['read', 'write'] });

    const unlisted = await authorize(bearer(created.token), 'POST /api/v1/reports');
    const misspelled = await authorize(bearer(created.token), 'get /api/v1/reports');

    expect([unlisted.isAuthorized, misspelled.isAuthorized]).toEqual([false, false]);
    expect(sink.records().filter((line) => line.reason === 'route')).toHaveLength(2);
  });

  it('allows a user JWT on a route the authorizer was not told of: JWTs are not limited by route scopes', async () => {
    const token = api.token([api.newWorkspace()]);

    expect((await authorize(bearer(token), 'POST /api/v1/reports')).isAuthorized).toBe(true);
  });

  it('is handed only the scopes the policy still allows, and refused where it needs a retired one', async () => {
    const created = await api.create(api.newWorkspace(), { scopes: ['read', 'write'] });
    const readOnlyPolicy = authorizerHandler(
      api.env({
        PAT_SCOPES: 'read',
        ROUTE_SCOPES: JSON.stringify({
          'GET /api/v1/whoami': [],
          'GET /api/v1/reports': ['write'],
        }),
      }),
    );

    const anyScope = await readOnlyPolicy(bearer(created.token));
    const retired = await readOnlyPolicy(bearer(created.token), 'GET /api/v1/reports');

    expect(anyScope).toMatchObject({ isAuthorized: true, context: { scopes: 'read' } });
    expect(retired.isAuthorized).toBe(false);
  });

  it('is refused everywhere once every scope it holds is retired', async () => {
    const created = await api.create(api.newWorkspace(), { scopes: ['write'] });
    const readOnlyPolicy = authorizerHandler(api.env({ PAT_SCOPES: 'read' }));

    expect((await readOnlyPolicy(bearer(created.token))).isAuthorized).toBe(false);
  });

  it('acts only as itself: its secret under another workspace or PAT id, checksum valid, is refused', async () => {
    const [a, b] = [api.newWorkspace(), api.newWorkspace()];
    const mine = await api.create(a);
    const other = await api.create(b);

    // The helper rebuilds the very token under the very locator, so what follows only moves it.
    expect(relocated(mine.token, { workspaceId: a, id: mine.id })).toBe(mine.token);
    const intoB = relocated(mine.token, { workspaceId: b, id: mine.id });
    const asOther = relocated(mine.token, { workspaceId: b, id: other.id });

    expect((await authorize(bearer(intoB))).isAuthorized).toBe(false);
    expect((await authorize(bearer(asOther))).isAuthorized).toBe(false);
    expect((await authorize(bearer(mine.token))).context).toMatchObject({ workspaceId: a });
  });

  it('is refused without any read when its checksum does not match: an outage changes nothing', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);
    const reads = proxy.attemptsOf('GetItem');
    await proxy.stop();

    const typo = await authorize(bearer(withTypo(created.token, 20)));
    const truncated = await authorize(bearer(created.token.slice(0, -1)));

    expect(typo).toEqual({ isAuthorized: false, context: {} });
    expect(truncated).toEqual({ isAuthorized: false, context: {} });
    expect(proxy.attemptsOf('GetItem')).toBe(reads);
  });

  it('is refused, not an error, when its stored hash is not a SHA-256 in hex (another length)', async () => {
    const workspace = api.newWorkspace();
    const stored = formattedPatItem(workspace);
    await api.dynamo.put(api.tableName, { ...stored.item, tokenHash: 'sha256:0a1b' });

    const result = await authorize(bearer(stored.token));

    expect(result).toEqual({ isAuthorized: false, context: {} });
  });
});

describe('a credential without a known subject', () => {
  it('is a PAT stored without createdBy: allowed, with an empty subject (context values are strings)', async () => {
    const stored = formattedPatItem(api.newWorkspace());
    const { createdBy: _createdBy, ...withoutCreator } = stored.item;
    await api.dynamo.put(api.tableName, withoutCreator);

    const result = await authorize(bearer(stored.token));

    expect(result).toMatchObject({ isAuthorized: true, context: { tokenType: 'pat', subject: '' } });
  });

  it('is a JWT without sub: allowed, with an empty subject', async () => {
    const token = api.token(['11111111-1111-4111-8111-111111111111'], { sub: undefined });

    const result = await authorize(bearer(token));

    expect(result).toMatchObject({ isAuthorized: true, context: { tokenType: 'user', subject: '' } });
  });
});

describe('a user JWT', () => {
  it('is allowed as its user, with its workspaces, whatever scopes the route needs', async () => {
    const workspaces = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = api.token(workspaces, { sub: 'alice', exp });

    const result = await authorize(bearer(token), 'GET /api/v1/reports');

    expect(result).toEqual({
      isAuthorized: true,
      context: {
        tokenType: 'user',
        subject: 'alice',
        workspaces: workspaces.join(' '),
        expiresAt: new Date(exp * 1000).toISOString(),
      },
    });
  });

  it('is refused when it fails the JWT rules (here: expired)', async () => {
    const token = api.issuer.sign(api.issuer.claims({ exp: Math.floor(Date.now() / 1000) - 60 }));

    expect((await authorize(bearer(token))).isAuthorized).toBe(false);
  });
});

describe('failing closed', () => {
  it('throws when DynamoDB is unavailable, so API Gateway answers 500: never an allow, never a deny', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);
    await proxy.stop();

    const before = sink.lines.length;

    await expect(authorize(bearer(created.token))).rejects.toMatchObject({
      name: 'AuthorizerUnavailableError',
      message: 'The credential could not be checked.',
    });
    const records = sink.records().slice(before);
    expect(records.find((record) => record.message === 'authorization failed')).toMatchObject({
      level: 'ERROR',
      outcome: 'error',
      routeKey: 'GET /api/v1/whoami',
      latencyMs: expect.any(Number),
      dependency: 'dynamodb',
      error: { name: 'ServiceUnavailableError', message: expect.stringContaining('temporarily unavailable') },
    });
    expect(records.find((record) => '_aws' in record)).toMatchObject({
      Outcome: 'error',
      TokenType: 'none',
      Authorization: 1,
    });
  });

  it('throws when DynamoDB keeps throttling', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);
    proxy.inject('throttle', { operation: 'GetItem' });

    await expect(authorize(bearer(created.token))).rejects.toThrow();
  });

  it("throws when the issuer's keys cannot be fetched for a JWT", async () => {
    const gone = await TestIssuer.start();
    const token = gone.token([]);
    await gone.stop();
    const authorizeGone = authorizerHandler({ ...api.env(), JWT_ISSUER: gone.url });

    await expect(authorizeGone(bearer(token))).rejects.toThrow();
  });
});

describe('lastUsedAt', () => {
  it('is written once per interval, across 200 concurrent uses and more within the interval, with one conditional UpdateItem', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);
    let now = Date.now();
    // 200 requests at once from one process (in Lambda: 200 instances, one request each) queue
    // for sockets and for DynamoDB Local's threads: generous timeouts, the count is what matters.
    const clocked = authorizerHandler(
      api.env({
        DYNAMODB_ENDPOINT: proxy.endpoint,
        DYNAMODB_CONNECT_TIMEOUT_MS: '5000',
        DYNAMODB_REQUEST_TIMEOUT_MS: '10000',
      }),
      { overrides: { clock: { now: () => now } } },
    );
    const writes = proxy.succeededOf('UpdateItem');

    const uses = (count: number) =>
      Promise.all(Array.from({ length: count }, () => clocked(bearer(created.token))));

    const first = await uses(200);
    const afterFirst = await api.dynamo.get(api.tableName, { workspaceId: workspace, id: created.id });
    now += 59_000;
    await uses(50);
    const writesWithinInterval = proxy.succeededOf('UpdateItem') - writes;
    now += 2_000;
    await uses(50);

    expect(first.every((result) => result.isAuthorized)).toBe(true);
    expect(writesWithinInterval).toBe(1);
    expect(proxy.succeededOf('UpdateItem') - writes).toBe(2);
    expect(afterFirst?.lastUsedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const [pat] = bodyOf<{ data: Array<{ id: string; lastUsedAt?: string }> }>(
      await api.call('listPats', { workspace }),
    ).data;
    expect(pat?.lastUsedAt).toBe(new Date(now).toISOString());
  });

  it('is not written again, nor even attempted, until it is older than the interval', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);
    let now = Date.now();
    const clocked = authorizerHandler(api.env({ DYNAMODB_ENDPOINT: proxy.endpoint }), {
      overrides: { clock: { now: () => now } },
    });
    const attempts = proxy.attemptsOf('UpdateItem');

    await clocked(bearer(created.token));
    now += 30_000;
    await clocked(bearer(created.token));
    now += 30_000; // exactly one interval on: not older than it yet
    await clocked(bearer(created.token));
    const attemptsWithinInterval = proxy.attemptsOf('UpdateItem') - attempts;
    now += 1;
    await clocked(bearer(created.token));

    expect(attemptsWithinInterval).toBe(1);
    expect(proxy.attemptsOf('UpdateItem') - attempts).toBe(2);
  });

  it('never changes the answer when it cannot be written: logged and counted', async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);
    const before = sink.lines.length;
    proxy.inject('server-error', { operation: 'UpdateItem' });

    const result = await authorize(bearer(created.token));

    expect(result.isAuthorized).toBe(true);
    const records = sink.records().slice(before);
    expect(records.find((record) => record.message === 'lastUsedAt not written')).toMatchObject({
      workspaceId: workspace,
      patId: created.id,
    });
    expect(records.find((record) => '_aws' in record)).toMatchObject({ LastUsedWriteFailed: 1 });
  });
});

it('publishes one EMF document per decision: outcome and token type, the cold start on the first', async () => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace);
  const fresh = new Sink();
  const authorizeFresh = authorizerHandler(api.env(), { sink: fresh });

  await authorizeFresh(bearer(created.token));
  await authorizeFresh(bearer('not-a-token'));

  expect(emfDocuments(fresh)).toEqual([
    {
      _aws: {
        Timestamp: 'T',
        CloudWatchMetrics: [
          emfDirective(['Service', 'Route'], 'DynamoDbLatency', 'Milliseconds'),
          emfDirective(['Service', 'Outcome', 'TokenType'], 'Authorization', 'Count'),
          emfDirective(['Service', 'Route'], 'ColdStart', 'Count'),
        ],
      },
      DynamoDbLatency: 'object',
      Service: 'pats-api',
      Route: 'authorizer',
      Outcome: 'allow',
      TokenType: 'pat',
      Authorization: 1,
      ColdStart: 1,
    },
    {
      _aws: {
        Timestamp: 'T',
        CloudWatchMetrics: [emfDirective(['Service', 'Outcome', 'TokenType'], 'Authorization', 'Count')],
      },
      Service: 'pats-api',
      Route: 'authorizer',
      Outcome: 'deny',
      TokenType: 'user',
      Authorization: 1,
    },
  ]);
});

it('logs who was let in, where, and how long the decision took: the PAT and its workspace, or the user', async () => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace, { scopes: ['read', 'write'] });
  const user = api.token([workspace], { sub: 'alice' });
  const expiredUser = api.issuer.sign(api.issuer.claims({ exp: Math.floor(Date.now() / 1000) - 60 }));
  // Not the first invocation, whatever the order the tests run in: that one is the cold start.
  await authorize(undefined);
  const before = sink.lines.length;

  await authorize(bearer(created.token), 'GET /api/v1/reports');
  await authorize(bearer(user));
  await authorize(bearer(expiredUser));

  const [pat, jwt, refused] = sink
    .records()
    .slice(before)
    .filter((record) => record.message === 'authorization');
  const common = {
    requestId: expect.any(String),
    latencyMs: expect.any(Number),
    cold_start: false,
    function_name: 'authorizer',
    function_memory_size: '512',
    function_request_id: expect.any(String),
  };
  expect(pat).toMatchObject({
    ...common,
    routeKey: 'GET /api/v1/reports',
    outcome: 'allow',
    tokenType: 'pat',
    subject: 'user-1',
    workspaceId: workspace,
    patId: created.id,
  });
  expect(jwt).toMatchObject({
    ...common,
    routeKey: 'GET /api/v1/whoami',
    outcome: 'allow',
    tokenType: 'user',
    subject: 'alice',
  });
  expect(jwt).not.toHaveProperty('workspaceId');
  expect(jwt).not.toHaveProperty('patId');
  expect(refused).toMatchObject({
    ...common,
    outcome: 'deny',
    tokenType: 'user',
    reason: 'jwt',
    detail: 'expired',
  });
});

it('logs why it refused, in the vocabulary of docs/operations.md, with the PAT once it was found', async () => {
  const workspace = api.newWorkspace();
  const reader = await api.create(workspace, { scopes: ['read'] });
  const other = await api.create(workspace);
  const expired = formattedPatItem(workspace, { expiresAt: new Date(Date.now() - 1000).toISOString() });
  await api.dynamo.put(api.tableName, expired.item);
  const before = sink.lines.length;

  await authorize(undefined);
  await authorize('   ');
  await authorize(`Basic ${reader.token}`);
  await authorize(bearer(withTypo(reader.token, 30)));
  await authorize(bearer(relocated(reader.token, { workspaceId: workspace, id: api.newWorkspace() })));
  await authorize(bearer(relocated(reader.token, { workspaceId: workspace, id: other.id })));
  await authorize(bearer(expired.token));
  await authorize(bearer(reader.token), 'GET /api/v1/reports');
  await authorize(bearer('not-a-token'));

  const decisions = sink
    .records()
    .slice(before)
    .filter((record) => record.message === 'authorization')
    .map((record) => [record.outcome, record.tokenType, record.reason, record.patId]);
  expect(decisions).toEqual([
    ['deny', undefined, 'missing', undefined],
    ['deny', undefined, 'missing', undefined],
    ['deny', undefined, 'scheme', undefined],
    ['deny', 'pat', 'malformed_pat', undefined],
    ['deny', 'pat', 'unknown_pat', undefined],
    ['deny', 'pat', 'hash_mismatch', other.id],
    ['deny', 'pat', 'expired', expired.item.id],
    ['deny', 'pat', 'scope', reader.id],
    ['deny', 'user', 'jwt', undefined],
  ]);
});

it('logs how long each decision took on its clock, from the event to the answer, whether it allowed, denied or failed', async () => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace);
  const clock = steppingClock(25);
  const clocked = authorizerHandler(
    api.env({ DYNAMODB_ENDPOINT: proxy.endpoint, DYNAMODB_MAX_ATTEMPTS: '1' }),
    {
      sink,
      overrides: { clock },
    },
  );
  const before = sink.lines.length;
  const decide = async (authorization: string) => {
    clock.start();
    await clocked(authorization).catch(() => undefined);
  };

  await decide(bearer(created.token));
  await decide(bearer(withTypo(created.token, 30)));
  await proxy.stop();
  await decide(bearer(created.token));

  const latencies = sink
    .records()
    .slice(before)
    .filter((record) => record.message === 'authorization' || record.message === 'authorization failed')
    .map((record) => [record.outcome, record.latencyMs]);
  expect(latencies).toEqual([
    ['allow', 25],
    ['deny', 25],
    ['error', 25],
  ]);
});

describe('the event', () => {
  it("decides on the identity sources alone, the values API Gateway's result cache is keyed by", async () => {
    const workspace = api.newWorkspace();
    const created = await api.create(workspace);
    const event = authorizerEvent({
      routeKey: 'GET /api/v1/whoami',
      rawPath: '/api/v1/whoami',
      headers: { authorization: bearer(created.token) },
    });

    const fromHeader = await authorize.invoke({ ...event, identitySource: ['', 'GET /api/v1/whoami'] });
    const fromIdentitySource = await authorize.invoke({ ...event, headers: {} });

    expect(fromHeader.isAuthorized).toBe(false);
    expect(fromIdentitySource.isAuthorized).toBe(true);
  });

  it('refuses a minimal hand-written event, without identity sources or request context, as a request without credentials', async () => {
    const event = { version: '2.0', type: 'REQUEST', routeKey: 'GET /api/v1/whoami', headers: {} };
    const before = sink.lines.length;

    const result = await authorize.invoke(event as unknown as Parameters<Authorize['invoke']>[0]);

    expect(result).toEqual({ isAuthorized: false, context: {} });
    expect(sink.records().slice(before)).toContainEqual(
      expect.objectContaining({ message: 'authorization', outcome: 'deny', reason: 'missing' }),
    );
  });
});

it('logs one line per decision, never the token, the header or a hash', async () => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace);
  const before = sink.lines.length;

  await authorize(bearer(created.token));
  await authorize(bearer(withTypo(created.token, 30)));

  const lines = sink.lines.slice(before);
  const decisions = sink
    .records()
    .slice(before)
    .filter((record) => record.message === 'authorization');
  expect(decisions.map((record) => [record.outcome, record.reason ?? 'ok'])).toEqual([
    ['allow', 'ok'],
    ['deny', 'malformed_pat'],
  ]);
  for (const line of lines) {
    expect(line).not.toContain(created.token.slice(4, 20));
    expect(line).not.toMatch(/[0-9a-f]{64}/);
    expect(line.toLowerCase()).not.toContain('bearer');
  }
});

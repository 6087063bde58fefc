import { randomUUID } from 'node:crypto';
import { emfDirective as directive, emfDocuments as documentsSince } from '../../support/emf';
import { type PatApi, startPatApi } from '../../support/pat-api';
import { legacyPatItem } from '../../support/pats';

/**
 * The Embedded Metric Format document each invocation writes, read back from what the handler
 * wrote, and compared with the literal document CloudWatch must receive.
 */
let api: PatApi;

beforeAll(async () => {
  api = await startPatApi();
});

afterAll(async () => {
  await api.stop();
});

it('publishes the first read of a handler with its route, outcome, cold start and DynamoDB latency', async () => {
  const fresh = await startPatApi();
  try {
    const workspace = fresh.newWorkspace();
    const { item } = legacyPatItem(workspace);
    await fresh.dynamo.put(fresh.tableName, item);

    await fresh.call('getPat', { workspace, id: item.id });

    expect(documentsSince(fresh.sink, 0)).toEqual([
      {
        _aws: {
          Timestamp: 'T',
          CloudWatchMetrics: [
            directive(['Service', 'Route'], 'DynamoDbLatency', 'Milliseconds'),
            directive(['Service', 'Route', 'Outcome'], 'Request', 'Count'),
            directive(['Service', 'Route'], 'ColdStart', 'Count'),
          ],
        },
        Service: 'pats-api',
        Route: 'getPat',
        Outcome: '200',
        DynamoDbLatency: 'number',
        Request: 1,
        ColdStart: 1,
      },
    ]);
  } finally {
    await fresh.stop();
  }
});

it('counts a cold start on the first invocation of a handler only', async () => {
  const fresh = await startPatApi();
  try {
    const workspace = fresh.newWorkspace();
    await fresh.call('listPats', { workspace });
    await fresh.call('listPats', { workspace });

    const documents = documentsSince(fresh.sink, 0);
    expect(documents.map((document) => (document as { ColdStart?: number }).ColdStart)).toEqual([
      1,
      undefined,
    ]);
  } finally {
    await fresh.stop();
  }
});

it('publishes why a token was refused, by reason class, with no DynamoDB call', async () => {
  const before = api.sink.lines.length;

  await api.call('getPat', { workspace: randomUUID(), id: randomUUID(), token: 'pat_abc' });

  const [document] = documentsSince(api.sink, before);
  expect(document).toMatchObject({
    _aws: {
      Timestamp: 'T',
      CloudWatchMetrics: expect.arrayContaining([
        directive(['Service', 'Route', 'Outcome'], 'Request', 'Count'),
        directive(['Service', 'Reason'], 'JwtRejected', 'Count'),
      ]),
    },
    Service: 'pats-api',
    Route: 'getPat',
    Outcome: 'unauthorized',
    Reason: 'pat',
    Request: 1,
    JwtRejected: 1,
  });
  expect(document).not.toHaveProperty('DynamoDbLatency');
});

it.each([
  ['a write', 'createPat', '201'],
  ['a revoke', 'revokePat', '204'],
] as const)('publishes the status of %s as its outcome', async (_, route, outcome) => {
  const workspace = api.newWorkspace();
  const created = await api.create(workspace);
  const before = api.sink.lines.length;

  await api.call(route, { workspace, id: created.id, body: { name: 'n', scopes: ['read'] } });

  expect(documentsSince(api.sink, before)[0]).toMatchObject({ Route: route, Outcome: outcome });
});

it('publishes a 500 as the outcome 5xx, and a 4xx by its code', async () => {
  const workspace = api.newWorkspace();
  const { item } = legacyPatItem(workspace, { scopes: 'not-a-list' });
  await api.dynamo.put(api.tableName, item);
  const before = api.sink.lines.length;

  await api.call('getPat', { workspace, id: item.id });
  await api.call('getPat', { workspace, id: 'nope' });

  expect(
    documentsSince(api.sink, before).map((document) => (document as unknown as { Outcome: string }).Outcome),
  ).toEqual(['5xx', 'invalid_pat_id']);
});

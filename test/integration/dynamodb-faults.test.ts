import { randomUUID } from 'node:crypto';
import { FaultProxy } from '../support/fault-proxy';
import { bodyOf, routeEvent, routeHandler, Sink } from '../support/harness';
import { type PatApi, startPatApi } from '../support/pat-api';

/**
 * What a client sees when DynamoDB fails under a route's handler (faults injected on the wire, so
 * the SDK's own retries and timeouts run): a 503 with `Retry-After`, never a 500, never a table
 * name; and, for writes, no PAT lost or stored twice.
 */
let api: PatApi;
let proxy: FaultProxy;
const sink = new Sink();
const settings = {
  DYNAMODB_MAX_ATTEMPTS: '3',
  DYNAMODB_CONNECT_TIMEOUT_MS: '200',
  DYNAMODB_REQUEST_TIMEOUT_MS: '300',
};

beforeAll(async () => {
  api = await startPatApi();
  proxy = await FaultProxy.start(api.dynamo.endpoint);
});

afterAll(async () => {
  await proxy.stop();
  await api.stop();
});

beforeEach(() => proxy.clear());

const throughProxy = (name: 'getPat' | 'createPat') =>
  routeHandler(name, { ...api.env(settings), DYNAMODB_ENDPOINT: proxy.endpoint }, { sink });

it('answers 503 with Retry-After, logs the failing dependency, and names no table', async () => {
  const workspace = api.newWorkspace();
  proxy.inject('throttle');

  const result = await throughProxy('getPat')(
    routeEvent('getPat', { workspace, id: randomUUID(), token: api.token([workspace]) }),
  );

  expect(result.statusCode).toBe(503);
  expect(bodyOf(result)).toEqual({ code: 'service_unavailable', message: expect.any(String) });
  expect(Number(result.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(result.body).not.toContain(api.tableName);
  expect(
    sink.records().find((record) => record.level === 'ERROR' && record.workspaceId === workspace),
  ).toMatchObject({
    status: 503,
    code: 'service_unavailable',
    dependency: 'dynamodb',
  });
});

it('answers 503 to a create whose transaction stays throttled, and has stored nothing', async () => {
  const workspace = api.newWorkspace();
  proxy.inject('throttle', { operation: 'TransactWriteItems' });

  const result = await throughProxy('createPat')(
    routeEvent('createPat', {
      workspace,
      token: api.token([workspace]),
      body: { name: 'n', scopes: ['read'] },
    }),
  );

  expect(result.statusCode).toBe(503);
  expect(bodyOf<{ data: unknown[] }>(await api.call('listPats', { workspace })).data).toEqual([]);
});

it('answers 201 once, with one PAT stored, when the response to the write is lost after it was applied', async () => {
  const workspace = api.newWorkspace();
  proxy.inject('apply-then-hang', { operation: 'TransactWriteItems', times: 1 });

  const result = await throughProxy('createPat')(
    routeEvent('createPat', {
      workspace,
      token: api.token([workspace]),
      body: { name: 'n', scopes: ['read'] },
    }),
  );

  expect(result.statusCode).toBe(201);
  const listed = bodyOf<{ data: Array<{ id: string }> }>(await api.call('listPats', { workspace }));
  expect(listed.data.map((pat) => pat.id)).toEqual([bodyOf<{ data: { id: string } }>(result).data.id]);
});

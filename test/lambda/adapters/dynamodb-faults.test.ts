import { randomUUID } from 'node:crypto';
import { dynamoDbTimeBudgetMs, loadConfig } from '../../../lambda/config';
import type { TestDynamo } from '../../support/dynamodb';
import { getPatEvent } from '../../support/events';
import { FaultProxy } from '../../support/fault-proxy';
import { buildHandler, functionEnv, type Invoke, json, startBackends } from '../../support/harness';
import type { TestIssuer } from '../../support/issuer';
import { LogCapture } from '../../support/logs';

/**
 * DynamoDB faults injected on the wire (a proxy in front of dynalite), so the SDK's own retries
 * and timeouts run. Short timeouts keep the suite quick; the rules are the production ones.
 */
let dynamo: TestDynamo;
let issuer: TestIssuer;
let proxy: FaultProxy;
let tableName: string;
let invoke: Invoke;
let budgetMs: number;
const workspaceId = randomUUID();
let patId: string;
const logs = new LogCapture();

const settings = {
  DYNAMODB_MAX_ATTEMPTS: '3',
  DYNAMODB_CONNECT_TIMEOUT_MS: '200',
  DYNAMODB_REQUEST_TIMEOUT_MS: '300',
};

async function timedCall() {
  const token = issuer.token([workspaceId]);
  const startedAt = Date.now();
  const result = await invoke(
    getPatEvent({ id: patId, headers: { authorization: `Bearer ${token}`, 'x-workspace-id': workspaceId } }),
  );
  return { result, elapsedMs: Date.now() - startedAt };
}

beforeAll(async () => {
  ({ dynamo, issuer, tableName, patId } = await startBackends(workspaceId));
  proxy = await FaultProxy.start(dynamo.endpoint);
  const env = functionEnv({ endpoint: proxy.endpoint }, issuer, tableName, settings);
  budgetMs = dynamoDbTimeBudgetMs(loadConfig(env).dynamoDb);
  invoke = buildHandler(env);
  logs.start();
});

afterAll(async () => {
  logs.stop();
  await Promise.all([proxy.stop(), dynamo.stop(), issuer.stop()]);
});

beforeEach(() => {
  proxy.mode = 'pass';
  proxy.attempts.clear();
  logs.clear();
});

it('reads through the proxy when nothing is injected', async () => {
  const { result } = await timedCall();

  expect(result.statusCode).toBe(200);
  expect(proxy.attemptsOf('GetItem')).toBe(1);
});

it('reads with one strongly consistent GetItem whose projection leaves tokenHash out', async () => {
  proxy.bodies.clear();
  expect((await timedCall()).result.statusCode).toBe(200);

  const [body] = (proxy.bodies.get('GetItem') ?? []).map((text) => JSON.parse(text));
  expect(proxy.bodies.get('GetItem')).toHaveLength(1);
  expect(body).toMatchObject({
    TableName: tableName,
    ConsistentRead: true,
    Key: { workspaceId: { S: workspaceId }, id: { S: patId } },
  });
  const projected = (body.ProjectionExpression as string)
    .split(',')
    .map((placeholder: string) => body.ExpressionAttributeNames[placeholder.trim()]);
  expect(projected.sort()).toEqual([
    'createdAt',
    'expiresAt',
    'id',
    'lastUsedAt',
    'name',
    'scopes',
    'tokenPrefix',
    'workspaceId',
  ]);
});

it('keeps one TCP connection to DynamoDB across requests (keep-alive)', async () => {
  expect((await timedCall()).result.statusCode).toBe(200);
  const before = proxy.connections;

  for (let i = 0; i < 5; i += 1) expect((await timedCall()).result.statusCode).toBe(200);

  expect(proxy.connections).toBe(before);
});

it('answers 503 with Retry-After after exactly the configured attempts when every attempt is throttled', async () => {
  proxy.mode = 'throttle';

  const { result, elapsedMs } = await timedCall();

  expect(result.statusCode).toBe(503);
  expect(json(result)).toEqual({ code: 'service_unavailable', message: expect.any(String) });
  expect(Number(result.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(proxy.attemptsOf('GetItem')).toBe(3);
  expect(elapsedMs).toBeLessThanOrEqual(budgetMs);
});

it('answers 503 after exactly the configured attempts when every request hangs', async () => {
  proxy.mode = 'hang';

  const { result, elapsedMs } = await timedCall();

  expect(result.statusCode).toBe(503);
  expect(result.headers['retry-after']).toBeDefined();
  expect(proxy.attemptsOf('GetItem')).toBe(3);
  // Each attempt waited for its request timeout: the timeouts really throw.
  expect(elapsedMs).toBeGreaterThanOrEqual(3 * 300);
  expect(elapsedMs).toBeLessThanOrEqual(budgetMs);
});

it('answers 503 when DynamoDB keeps answering 500', async () => {
  proxy.mode = 'server-error';

  const { result } = await timedCall();

  expect(result.statusCode).toBe(503);
  expect(proxy.attemptsOf('GetItem')).toBe(3);
});

it('logs the 503 with the failing dependency and no table name in the response', async () => {
  proxy.mode = 'throttle';

  const { result } = await timedCall();

  expect(result.body).not.toContain(tableName);
  expect(logs.records().find((record) => record.level === 'ERROR')).toMatchObject({
    status: 503,
    code: 'service_unavailable',
    dependency: 'dynamodb',
  });
});

it('recovers without a restart once the fault is gone', async () => {
  proxy.mode = 'throttle';
  expect((await timedCall()).result.statusCode).toBe(503);

  proxy.mode = 'pass';
  expect((await timedCall()).result.statusCode).toBe(200);
});

it('answers 503 when nothing listens at the endpoint', async () => {
  const closed = await FaultProxy.start(dynamo.endpoint);
  const endpoint = closed.endpoint;
  await closed.stop();
  const unreachable = buildHandler(functionEnv({ endpoint }, issuer, tableName, settings));
  const token = issuer.token([workspaceId]);

  const result = await unreachable(
    getPatEvent({ id: patId, headers: { authorization: `Bearer ${token}`, 'x-workspace-id': workspaceId } }),
  );

  expect(result.statusCode).toBe(503);
});

it('fits the worst case inside the function timeout and API Gateway 30 s limit with the defaults', () => {
  const defaults = loadConfig(functionEnv(dynamo, issuer, tableName));

  expect(dynamoDbTimeBudgetMs(defaults.dynamoDb)).toBeLessThan(10_000);
});

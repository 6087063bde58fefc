import { randomUUID } from 'node:crypto';
import { createDocumentClient, dynamoDbTimeBudgetMs } from '../../../lambda/adapters/dynamodb-client';
import { DynamoDbPatCredentials } from '../../../lambda/adapters/pat-credentials';
import type { DynamoDbPatRepository } from '../../../lambda/adapters/pat-repository';
import { WORKSPACE_COUNTER } from '../../../lambda/adapters/pats-table-schema';
import { type DynamoDbSettings, loadConfig } from '../../../lambda/config';
import { MANAGEMENT_SETTINGS } from '../../../lambda/config/schema';
import { ServiceUnavailableError } from '../../../lambda/domain/errors';
import type { NewPatItem } from '../../../lambda/domain/pat';
import { UuidV7Generator } from '../../../lambda/domain/uuid';
import { newTableName, TestDynamo } from '../../support/dynamodb';
import { FaultProxy } from '../../support/fault-proxy';
import { repositoryOn, writesOf } from '../../support/repository';

/**
 * The repository with the production DynamoDB client, against DynamoDB Local through a proxy that
 * injects faults on the wire, so the SDK's own retries, timeouts and idempotency tokens run. Short
 * timeouts keep the suite quick; the rules are the production ones.
 */
let dynamo: TestDynamo;
let proxy: FaultProxy;
let tableName: string;
let repository: DynamoDbPatRepository;
let direct: DynamoDbPatRepository;
const settings: DynamoDbSettings = {
  endpoint: '',
  region: 'us-east-1',
  maxAttempts: 3,
  connectTimeoutMs: 200,
  requestTimeoutMs: 300,
};
const budgetMs = dynamoDbTimeBudgetMs(settings);
const ids = new UuidV7Generator(Date.now, (size) => crypto.getRandomValues(new Uint8Array(size)));

beforeAll(async () => {
  dynamo = await TestDynamo.start();
  tableName = await dynamo.createPatsTable(newTableName());
  proxy = await FaultProxy.start(dynamo.endpoint);
  direct = repositoryOn({ client: dynamo.client, tableName });
});

// Built for each test, not once: the client and repository settings then count as run by every
// test, so mutation testing runs every test against a mutant of them (code run in beforeAll is
// credited to no test).
beforeEach(() => {
  repository = repositoryOn({
    client: createDocumentClient({ ...settings, endpoint: proxy.endpoint }),
    tableName,
    // No wait between conflicting transactions: the tests count attempts, not time.
    backoff: async () => undefined,
  });
});

afterAll(async () => {
  await Promise.all([proxy.stop(), dynamo.stop()]);
});

beforeEach(() => {
  proxy.clear();
  proxy.attempts.clear();
  proxy.bodies.clear();
});

function newItem(workspaceId: string): NewPatItem {
  return {
    workspaceId,
    id: ids.next(),
    name: 'faults',
    scopes: ['read'],
    tokenPrefix: 'pat_AbCd1234',
    tokenHash: 'f'.repeat(64),
    createdAt: '2026-01-02T03:04:05.000Z',
    expiresAt: '2026-02-01T03:04:05.000Z',
  };
}

async function timed<T>(run: () => Promise<T>): Promise<{ outcome: T | unknown; elapsedMs: number }> {
  const startedAt = Date.now();
  const outcome = await run().catch((error: unknown) => error);
  return { outcome, elapsedMs: Date.now() - startedAt };
}

describe('reads', () => {
  it('read with one strongly consistent GetItem whose projection leaves tokenHash out', async () => {
    const workspaceId = randomUUID();
    const id = ids.next();
    // Timeouts far from the 300 ms of the fault tests: on a loaded machine a timed-out first
    // attempt would send the GetItem twice, and this test is about what one request holds.
    const patient = repositoryOn({
      client: createDocumentClient({ ...settings, endpoint: proxy.endpoint, requestTimeoutMs: 10_000 }),
      tableName,
    });
    await patient.findById(workspaceId, id);

    const bodies = (proxy.bodies.get('GetItem') ?? []).map((text) => JSON.parse(text));
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({
      TableName: tableName,
      ConsistentRead: true,
      Key: { workspaceId: { S: workspaceId }, id: { S: id } },
    });
    const projected = (bodies[0].ProjectionExpression as string)
      .split(',')
      .map((placeholder) => bodies[0].ExpressionAttributeNames[placeholder.trim()]);
    expect(projected.sort()).toEqual([
      'createdAt',
      'createdBy',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
      'scopes',
      'tokenPrefix',
      'workspaceId',
    ]);
  });

  it('list with one strongly consistent Query, newest first, one item beyond the page', async () => {
    const workspaceId = randomUUID();
    const patient = repositoryOn({
      client: createDocumentClient({ ...settings, endpoint: proxy.endpoint, requestTimeoutMs: 10_000 }),
      tableName,
    });
    await patient.list(workspaceId, { limit: 5 });

    const bodies = (proxy.bodies.get('Query') ?? []).map((text) => JSON.parse(text));
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({
      TableName: tableName,
      ConsistentRead: true,
      ScanIndexForward: false,
      Limit: 6,
    });
  });

  it('report the duration of every call to DynamoDB, failed ones included', async () => {
    const latencies: number[] = [];
    const timedRepository = repositoryOn({
      client: createDocumentClient({ ...settings, endpoint: proxy.endpoint, requestTimeoutMs: 10_000 }),
      tableName,
      onLatency: (milliseconds) => latencies.push(milliseconds),
    });
    const first = await timed(() => timedRepository.findById(randomUUID(), ids.next()));
    proxy.inject('throttle');
    const second = await timed(() => timedRepository.findById(randomUUID(), ids.next()));

    expect(second.outcome).toBeInstanceOf(ServiceUnavailableError);
    expect(latencies).toHaveLength(2);
    // Each reported duration lies within what the caller saw around the call.
    expect(latencies[0]).toBeGreaterThanOrEqual(0);
    expect(latencies[0]).toBeLessThanOrEqual(first.elapsedMs + 1);
    expect(latencies[1]).toBeLessThanOrEqual(second.elapsedMs + 1);
  });

  it('keep one TCP connection to DynamoDB across calls (keep-alive)', async () => {
    await repository.findById(randomUUID(), ids.next());
    const before = proxy.connections;

    for (let i = 0; i < 5; i += 1) await repository.findById(randomUUID(), ids.next());

    expect(proxy.connections).toBe(before);
  });

  it.each([
    ['throttled', 'throttle'],
    ['answered with 500', 'server-error'],
  ] as const)(
    'give up with a 503 after exactly the configured attempts when every attempt is %s',
    async (_, fault) => {
      proxy.inject(fault);

      const { outcome, elapsedMs } = await timed(() => repository.findById(randomUUID(), ids.next()));

      expect(outcome).toBeInstanceOf(ServiceUnavailableError);
      // What the 503 says (Retry-After: 1) and what its log line names: the dependency and the SDK's error.
      expect(outcome).toMatchObject({ dependency: 'dynamodb', retryAfterSeconds: 1 });
      expect((outcome as Error).cause).toBeInstanceOf(Error);
      expect(proxy.attemptsOf('GetItem')).toBe(3);
      expect(elapsedMs).toBeLessThanOrEqual(budgetMs);
    },
  );

  it('give up with a 503 when every attempt hangs, each ended by its request timeout', async () => {
    proxy.inject('hang');

    const { outcome, elapsedMs } = await timed(() => repository.findById(randomUUID(), ids.next()));

    expect(outcome).toBeInstanceOf(ServiceUnavailableError);
    expect(proxy.attemptsOf('GetItem')).toBe(3);
    expect(elapsedMs).toBeGreaterThanOrEqual(3 * 300);
    expect(elapsedMs).toBeLessThanOrEqual(budgetMs);
  });

  it('recover without a restart once the fault is gone', async () => {
    proxy.inject('throttle', { times: 3 });
    await expect(repository.findById(randomUUID(), ids.next())).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );

    await expect(repository.findById(randomUUID(), ids.next())).resolves.toBeUndefined();
  });

  it('give up with a 503 when nothing listens at the endpoint', async () => {
    const closed = await FaultProxy.start(dynamo.endpoint);
    const endpoint = closed.endpoint;
    await closed.stop();
    const unreachable = repositoryOn({
      client: createDocumentClient({ ...settings, endpoint }),
      tableName,
    });

    await expect(unreachable.findById(randomUUID(), ids.next())).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
  });

  it('fail as a bug, not as unavailability, when the table does not exist', async () => {
    const missing = repositoryOn({ client: dynamo.client, tableName: 'no-such-table' });

    const error = await missing.findById(randomUUID(), ids.next()).catch((e: Error) => e);

    expect(error).not.toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).name).toBe('ResourceNotFoundException');
  });
});

/** A workspace whose PAT count is already exact, so a write is one transaction. */
async function countedWorkspace(): Promise<string> {
  const workspaceId = randomUUID();
  await dynamo.put(tableName, {
    workspaceId,
    id: WORKSPACE_COUNTER.id,
    [WORKSPACE_COUNTER.countAttribute]: 0,
    [WORKSPACE_COUNTER.exactAttribute]: true,
  });
  return workspaceId;
}

describe('writes', () => {
  it('store a PAT once when the response to the transaction is lost after it was applied', async () => {
    const workspaceId = await countedWorkspace();
    const item = newItem(workspaceId);
    proxy.inject('apply-then-hang', { operation: 'TransactWriteItems', times: 1 });

    await expect(writesOf(repository).create(item, 10)).resolves.toBe('created');

    // The SDK sent the same transaction again, with the same ClientRequestToken: applied once.
    const tokens = (proxy.bodies.get('TransactWriteItems') ?? []).map(
      (body) => JSON.parse(body).ClientRequestToken,
    );
    expect(tokens).toHaveLength(2);
    expect(new Set(tokens).size).toBe(1);
    expect((await direct.list(workspaceId, { limit: 10 })).records.map((record) => record.id)).toEqual([
      item.id,
    ]);
    await expect(writesOf(direct).create(newItem(workspaceId), 2)).resolves.toBe('created');
    await expect(writesOf(direct).create(newItem(workspaceId), 2)).resolves.toBe('limit_exceeded');
  });

  it('store nothing, and answer 503, when every attempt of the transaction is throttled', async () => {
    const workspaceId = await countedWorkspace();
    proxy.inject('throttle', { operation: 'TransactWriteItems' });

    const { outcome, elapsedMs } = await timed(() => writesOf(repository).create(newItem(workspaceId), 10));

    expect(outcome).toBeInstanceOf(ServiceUnavailableError);
    expect(outcome).toMatchObject({ dependency: 'dynamodb', retryAfterSeconds: 1 });
    expect(proxy.attemptsOf('TransactWriteItems')).toBe(3);
    expect(elapsedMs).toBeLessThanOrEqual(budgetMs);
    expect((await direct.list(workspaceId, { limit: 10 })).records).toEqual([]);
  });

  it('store the PAT once when a throttled transaction succeeds on retry', async () => {
    const workspaceId = await countedWorkspace();
    proxy.inject('throttle', { operation: 'TransactWriteItems', times: 2 });

    await expect(writesOf(repository).create(newItem(workspaceId), 10)).resolves.toBe('created');

    expect((await direct.list(workspaceId, { limit: 10 })).records).toHaveLength(1);
  });

  it('try a transaction again when it conflicted with another, then succeed', async () => {
    const workspaceId = await countedWorkspace();
    proxy.inject('transaction-conflict', { operation: 'TransactWriteItems', times: 2 });

    await expect(writesOf(repository).create(newItem(workspaceId), 10)).resolves.toBe('created');

    expect(proxy.attemptsOf('TransactWriteItems')).toBe(3);
    expect((await direct.list(workspaceId, { limit: 10 })).records).toHaveLength(1);
  });

  it('answer 503 when the conflicts outlast the attempts, having stored nothing', async () => {
    const workspaceId = await countedWorkspace();
    proxy.inject('transaction-conflict', { operation: 'TransactWriteItems' });

    const outcome = await writesOf(repository)
      .create(newItem(workspaceId), 10)
      .catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(ServiceUnavailableError);
    expect(outcome).toMatchObject({ dependency: 'dynamodb', retryAfterSeconds: 1 });
    expect((outcome as Error).cause).toMatchObject({ name: 'TransactionCanceledException' });
    expect(proxy.attemptsOf('TransactWriteItems')).toBe(3);
    expect((await direct.list(workspaceId, { limit: 10 })).records).toEqual([]);
  });

  it('store a PAT whose creator is unknown, leaving the attribute out', async () => {
    const item = { ...newItem(randomUUID()), createdBy: undefined };

    await expect(writesOf(repository).create(item, 10)).resolves.toBe('created');

    const stored = await dynamo.get(tableName, { workspaceId: item.workspaceId, id: item.id });
    expect(stored).toHaveProperty('tokenPrefix', item.tokenPrefix);
    expect(stored).not.toHaveProperty('createdBy');
  });

  it('send no write to revoke an id that holds no PAT', async () => {
    await expect(writesOf(repository).revoke(randomUUID(), ids.next())).resolves.toBeUndefined();

    expect(proxy.attemptsOf('TransactWriteItems')).toBe(0);
  });

  it('answer 503, not "already written", when the lastUsedAt update is throttled', async () => {
    const workspaceId = await countedWorkspace();
    const item = newItem(workspaceId);
    await writesOf(direct).create(item, 10);
    proxy.inject('throttle', { operation: 'UpdateItem' });

    const credentials = new DynamoDbPatCredentials({
      client: createDocumentClient({ ...settings, endpoint: proxy.endpoint }),
      tableName,
    });
    const outcome = await credentials
      .touchLastUsed(workspaceId, item.id, '2026-01-03T00:00:00.000Z', '2026-01-02T23:59:00.000Z')
      .catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(ServiceUnavailableError);
    expect((await direct.findById(workspaceId, item.id))?.lastUsedAt).toBeUndefined();
  });

  it('delete a PAT once when the response to the revoke is lost after it was applied', async () => {
    const workspaceId = await countedWorkspace();
    const item = newItem(workspaceId);
    await writesOf(direct).create(item, 10);
    proxy.inject('apply-then-hang', { operation: 'TransactWriteItems', times: 1 });

    await expect(writesOf(repository).revoke(workspaceId, item.id)).resolves.toMatchObject({ id: item.id });

    expect(await direct.findById(workspaceId, item.id)).toBeUndefined();
  });
});

it('fits the worst case inside the function timeout and API Gateway 30 s limit with the defaults', () => {
  const defaults = loadConfig(MANAGEMENT_SETTINGS, {
    TABLE_NAME: 't',
    AUDIT_TABLE_NAME: 't-audit',
    JWT_ISSUER: 'https://issuer.example.com',
    JWT_AUDIENCE: 'a',
  });

  expect(dynamoDbTimeBudgetMs(defaults.dynamoDb)).toBeLessThan(10_000);
});

import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbPatCredentials } from '../../../lambda/adapters/pat-credentials';
import type { DynamoDbPatRepository } from '../../../lambda/adapters/pat-repository';
import { CorruptPatItemError } from '../../../lambda/domain/errors';
import type { NewPatItem } from '../../../lambda/domain/pat';
import { UuidV7Generator } from '../../../lambda/domain/uuid';
import { newTableName, TestDynamo } from '../../support/dynamodb';
import { repositoryOn, writesOf } from '../../support/repository';

/** The authorizer's reads and its one write against the run's DynamoDB Local (PATs stored by the repository). */
let dynamo: TestDynamo;
let tableName: string;
let repository: DynamoDbPatRepository;
let credentials: DynamoDbPatCredentials;
const ids = new UuidV7Generator(
  Date.now,
  (size) => new Uint8Array(crypto.getRandomValues(new Uint8Array(size))),
);

beforeAll(async () => {
  dynamo = await TestDynamo.start();
  tableName = await dynamo.createPatsTable(newTableName());
  repository = repositoryOn({ client: dynamo.client, tableName });
  credentials = new DynamoDbPatCredentials({ client: dynamo.client, tableName });
});

afterAll(async () => {
  await dynamo.stop();
});

function newItem(workspaceId: string, overrides: Partial<NewPatItem> = {}): NewPatItem {
  return {
    workspaceId,
    id: ids.next(),
    name: 'CI deploy',
    scopes: ['read'],
    tokenPrefix: 'pat_AbCd1234',
    tokenHash: 'f'.repeat(64),
    createdAt: '2026-01-02T03:04:05.000Z',
    expiresAt: '2026-02-01T03:04:05.000Z',
    createdBy: 'alice',
    ...overrides,
  };
}

describe('findCredential', () => {
  it('returns what the authorizer compares: the metadata and the token hash', async () => {
    const workspaceId = randomUUID();
    const item = newItem(workspaceId, { tokenHash: 'a1'.repeat(32) });
    await writesOf(repository).create(item, 10);

    const credential = await credentials.findCredential(workspaceId, item.id);

    expect(credential).toEqual({
      workspaceId,
      id: item.id,
      name: item.name,
      scopes: item.scopes,
      tokenHash: item.tokenHash,
      expiresAt: item.expiresAt,
      lastUsedAt: undefined,
      createdBy: item.createdBy,
    });
  });

  it('returns undefined for an unknown id, and for the id in another workspace', async () => {
    const item = newItem(randomUUID());
    await writesOf(repository).create(item, 10);

    await expect(credentials.findCredential(item.workspaceId, ids.next())).resolves.toBeUndefined();
    await expect(credentials.findCredential(randomUUID(), item.id)).resolves.toBeUndefined();
  });

  it('refuses as corrupt an item without a token hash, naming its key', async () => {
    const workspaceId = randomUUID();
    const { tokenHash: _hash, ...withoutHash } = newItem(workspaceId);
    await dynamo.put(tableName, withoutHash);

    const failure = await credentials
      .findCredential(workspaceId, withoutHash.id)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(CorruptPatItemError);
    expect((failure as CorruptPatItemError).message).toContain('tokenHash is missing');
    expect((failure as CorruptPatItemError).logFields()).toEqual({
      key: { workspaceId, id: withoutHash.id },
      problems: ['tokenHash is missing'],
    });
  });

  it('refuses as corrupt an item missing metadata, naming its key', async () => {
    const { name: _name, ...withoutName } = newItem(randomUUID());
    await dynamo.put(tableName, withoutName);

    const failure = await credentials
      .findCredential(withoutName.workspaceId, withoutName.id)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(CorruptPatItemError);
    expect((failure as CorruptPatItemError).logFields()).toEqual({
      key: { workspaceId: withoutName.workspaceId, id: withoutName.id },
      problems: ['name is missing'],
    });
  });

  it('refuses as corrupt an item whose token hash is empty', async () => {
    const item = newItem(randomUUID(), { tokenHash: '' });
    await dynamo.put(tableName, { ...item });

    await expect(credentials.findCredential(item.workspaceId, item.id)).rejects.toBeInstanceOf(
      CorruptPatItemError,
    );
  });
});

describe('touchLastUsed', () => {
  const lastUsedAt = async (workspaceId: string, id: string) =>
    (await repository.findById(workspaceId, id))?.lastUsedAt;

  it('writes lastUsedAt when the PAT has none', async () => {
    const item = newItem(randomUUID());
    await writesOf(repository).create(item, 10);

    const written = await credentials.touchLastUsed(
      item.workspaceId,
      item.id,
      '2026-01-05T00:00:00.000Z',
      '2026-01-04T23:59:00.000Z',
    );

    expect(written).toBe(true);
    await expect(lastUsedAt(item.workspaceId, item.id)).resolves.toBe('2026-01-05T00:00:00.000Z');
  });

  it('writes again only when the stored value is older than notBefore', async () => {
    const item = newItem(randomUUID(), {});
    await writesOf(repository).create(item, 10);
    await credentials.touchLastUsed(
      item.workspaceId,
      item.id,
      '2026-01-05T00:00:00.000Z',
      '2026-01-04T23:59:00.000Z',
    );

    const atTheBound = await credentials.touchLastUsed(
      item.workspaceId,
      item.id,
      '2026-01-05T00:01:00.000Z',
      '2026-01-05T00:00:00.000Z',
    );
    const past = await credentials.touchLastUsed(
      item.workspaceId,
      item.id,
      '2026-01-05T00:01:00.001Z',
      '2026-01-05T00:00:00.001Z',
    );

    expect([atTheBound, past]).toEqual([false, true]);
    await expect(lastUsedAt(item.workspaceId, item.id)).resolves.toBe('2026-01-05T00:01:00.001Z');
  });

  it('never brings back a revoked PAT: nothing is written for a key that holds none', async () => {
    const item = newItem(randomUUID());

    const written = await credentials.touchLastUsed(
      item.workspaceId,
      item.id,
      '2026-01-05T00:00:00.000Z',
      '2026-01-04T23:59:00.000Z',
    );

    expect(written).toBe(false);
    const { Item } = await dynamo.client.send(
      new GetCommand({
        TableName: tableName,
        Key: { workspaceId: item.workspaceId, id: item.id },
        ConsistentRead: true,
      }),
    );
    expect(Item).toBeUndefined();
  });
});

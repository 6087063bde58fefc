import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbPatRepository, toPatRecord } from '../../../lambda/adapters/pat-repository';
import { WORKSPACE_COUNTER } from '../../../lambda/adapters/pats-table-schema';
import { CorruptPatItemError } from '../../../lambda/domain/errors';
import type { NewPatItem } from '../../../lambda/domain/pat';
import { UuidV7Generator } from '../../../lambda/domain/uuid';
import { newTableName, TestDynamo } from '../../support/dynamodb';
import { legacyPatItem } from '../../support/pats';

/** The repository against the run's DynamoDB Local: every read and write, and their conditions. */
let dynamo: TestDynamo;
let tableName: string;
let repository: DynamoDbPatRepository;
const ids = new UuidV7Generator(
  Date.now,
  (size) => new Uint8Array(crypto.getRandomValues(new Uint8Array(size))),
);

beforeAll(async () => {
  dynamo = await TestDynamo.start();
  tableName = await dynamo.createPatsTable(newTableName());
  repository = new DynamoDbPatRepository({ client: dynamo.client, tableName });
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

async function countOf(workspaceId: string): Promise<number | undefined> {
  const { Item } = await dynamo.client.send(
    new GetCommand({
      TableName: tableName,
      Key: { workspaceId, id: WORKSPACE_COUNTER.id },
      ConsistentRead: true,
    }),
  );
  return Item?.[WORKSPACE_COUNTER.countAttribute] as number | undefined;
}

describe('findById', () => {
  it('returns the stored metadata, and nothing of tokenHash', async () => {
    const workspaceId = randomUUID();
    const item = newItem(workspaceId);
    await repository.create(item, 10);

    const record = await repository.findById(workspaceId, item.id);

    const { tokenHash: _hash, ...metadata } = item;
    expect(record).toEqual(metadata);
  });

  it('returns undefined for an id of another workspace', async () => {
    const item = newItem(randomUUID());
    await repository.create(item, 10);

    await expect(repository.findById(randomUUID(), item.id)).resolves.toBeUndefined();
  });
});

describe('list', () => {
  it('pages newest first by id, saying when more follow, and never lists the counter', async () => {
    const workspaceId = randomUUID();
    const created: NewPatItem[] = [];
    for (let i = 0; i < 5; i += 1) {
      const item = newItem(workspaceId, { name: `pat ${i}` });
      await repository.create(item, 10);
      created.push(item);
    }
    const newestFirst = created.map((item) => item.id).reverse();

    const first = await repository.list(workspaceId, { limit: 2 });
    const second = await repository.list(workspaceId, { limit: 2, afterId: first.records.at(-1)?.id });
    const last = await repository.list(workspaceId, { limit: 2, afterId: second.records.at(-1)?.id });

    expect(first.records.map((record) => record.id)).toEqual(newestFirst.slice(0, 2));
    expect(second.records.map((record) => record.id)).toEqual(newestFirst.slice(2, 4));
    expect(last.records.map((record) => record.id)).toEqual(newestFirst.slice(4));
    expect([first.hasMore, second.hasMore, last.hasMore]).toEqual([true, true, false]);
  });

  it('says no more follow when the page is exactly full', async () => {
    const workspaceId = randomUUID();
    await repository.create(newItem(workspaceId), 10);
    await repository.create(newItem(workspaceId), 10);

    const page = await repository.list(workspaceId, { limit: 2 });

    expect(page.records).toHaveLength(2);
    expect(page.hasMore).toBe(false);
  });

  it('lists an empty workspace as an empty page', async () => {
    await expect(repository.list(randomUUID(), { limit: 20 })).resolves.toEqual({
      records: [],
      hasMore: false,
    });
  });
});

describe('create', () => {
  it('counts the PATs of the workspace', async () => {
    const workspaceId = randomUUID();
    await repository.create(newItem(workspaceId), 10);
    await repository.create(newItem(workspaceId), 10);

    expect(await countOf(workspaceId)).toBe(2);
  });

  it('holds the per-workspace limit exactly under concurrent creates', async () => {
    const workspaceId = randomUUID();

    const outcomes = await Promise.all(
      Array.from({ length: 25 }, () => repository.create(newItem(workspaceId), 10)),
    );

    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === 'limit_exceeded')).toHaveLength(15);
    expect((await repository.list(workspaceId, { limit: 100 })).records).toHaveLength(10);
    expect(await countOf(workspaceId)).toBe(10);
  });

  it('fails, rather than reporting the limit, when the id is already taken, and counts nothing', async () => {
    const workspaceId = randomUUID();
    const item = newItem(workspaceId);
    await repository.create(item, 10);

    await expect(repository.create({ ...item, name: 'twin' }, 10)).rejects.toThrow(
      'create cancelled: None, ConditionalCheckFailed',
    );
    expect(await countOf(workspaceId)).toBe(1);
    expect((await repository.findById(workspaceId, item.id))?.name).toBe(item.name);
  });
});

describe('delete', () => {
  it('returns what it deleted, frees a slot, and finds nothing the second time', async () => {
    const workspaceId = randomUUID();
    const item = newItem(workspaceId);
    await repository.create(item, 1);
    expect(await repository.create(newItem(workspaceId), 1)).toBe('limit_exceeded');

    const deleted = await repository.delete(workspaceId, item.id);

    expect(deleted?.id).toBe(item.id);
    expect(deleted?.tokenPrefix).toBe(item.tokenPrefix);
    expect(await repository.findById(workspaceId, item.id)).toBeUndefined();
    expect(await countOf(workspaceId)).toBe(0);
    expect(await repository.create(newItem(workspaceId), 1)).toBe('created');
    expect(await repository.delete(workspaceId, item.id)).toBeUndefined();
  });

  it('deletes a PAT stored before the counter existed, leaving the counter alone', async () => {
    const workspaceId = randomUUID();
    const { item } = legacyPatItem(workspaceId);
    await dynamo.put(tableName, item);

    const deleted = await repository.delete(workspaceId, item.id);

    expect(deleted?.id).toBe(item.id);
    expect(await repository.findById(workspaceId, item.id)).toBeUndefined();
    expect(await countOf(workspaceId)).toBeUndefined();
  });
});

describe('concurrent deletes of one PAT', () => {
  it('delete it once: one gets the PAT, the other nothing, and the count drops by one', async () => {
    const workspaceId = randomUUID();
    const item = newItem(workspaceId);
    await repository.create(item, 10);
    await repository.create(newItem(workspaceId), 10);

    const outcomes = await Promise.all([
      repository.delete(workspaceId, item.id),
      repository.delete(workspaceId, item.id),
    ]);

    expect(outcomes.map((outcome) => outcome?.id ?? 'none').sort()).toEqual([item.id, 'none'].sort());
    expect(await countOf(workspaceId)).toBe(1);
  });

  it('delete a PAT stored before the counter existed once as well', async () => {
    const workspaceId = randomUUID();
    const { item } = legacyPatItem(workspaceId);
    await dynamo.put(tableName, item);

    const outcomes = await Promise.all([
      repository.delete(workspaceId, item.id),
      repository.delete(workspaceId, item.id),
    ]);

    expect(outcomes.map((outcome) => outcome?.id ?? 'none').sort()).toEqual([item.id, 'none'].sort());
    expect(await repository.findById(workspaceId, item.id)).toBeUndefined();
  });
});

describe('replace', () => {
  it('stores the replacement and deletes the old one, the count unchanged', async () => {
    const workspaceId = randomUUID();
    const old = newItem(workspaceId);
    await repository.create(old, 10);
    const replacement = newItem(workspaceId);

    const outcome = await repository.replace(toPatRecord({ ...old }, old), replacement);

    expect(outcome).toBe('replaced');
    expect(await repository.findById(workspaceId, old.id)).toBeUndefined();
    expect((await repository.findById(workspaceId, replacement.id))?.id).toBe(replacement.id);
    expect(await countOf(workspaceId)).toBe(1);
  });

  it('lets exactly one of two concurrent replacements of one PAT through', async () => {
    const workspaceId = randomUUID();
    const old = newItem(workspaceId);
    await repository.create(old, 10);
    const record = toPatRecord({ ...old }, old);
    const [a, b] = [newItem(workspaceId), newItem(workspaceId)];

    const outcomes = await Promise.all([repository.replace(record, a), repository.replace(record, b)]);

    expect([...outcomes].sort()).toEqual(['not_found', 'replaced']);
    const listed = (await repository.list(workspaceId, { limit: 10 })).records.map((r) => r.id);
    expect(listed).toEqual([outcomes[0] === 'replaced' ? a.id : b.id]);
  });

  it('replaces nothing once the old PAT is gone', async () => {
    const workspaceId = randomUUID();
    const old = newItem(workspaceId);

    await expect(repository.replace(toPatRecord({ ...old }, old), newItem(workspaceId))).resolves.toBe(
      'not_found',
    );
    expect((await repository.list(workspaceId, { limit: 10 })).records).toEqual([]);
  });

  it('fails, keeping the old PAT, when the replacement id is already taken', async () => {
    const workspaceId = randomUUID();
    const [old, taken] = [newItem(workspaceId), newItem(workspaceId)];
    await repository.create(old, 10);
    await repository.create(taken, 10);

    await expect(
      repository.replace(toPatRecord({ ...old }, old), { ...taken, name: 'twin' }),
    ).rejects.toThrow('rotate cancelled: ConditionalCheckFailed, None');
    expect((await repository.findById(workspaceId, old.id))?.id).toBe(old.id);
    expect((await repository.findById(workspaceId, taken.id))?.name).toBe(taken.name);
  });
});

describe('findCredential', () => {
  it('returns what the authorizer compares: the metadata and the token hash', async () => {
    const workspaceId = randomUUID();
    const item = newItem(workspaceId, { tokenHash: 'a1'.repeat(32) });
    await repository.create(item, 10);

    const credential = await repository.findCredential(workspaceId, item.id);

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
    await repository.create(item, 10);

    await expect(repository.findCredential(item.workspaceId, ids.next())).resolves.toBeUndefined();
    await expect(repository.findCredential(randomUUID(), item.id)).resolves.toBeUndefined();
  });

  it('refuses as corrupt an item without a token hash, naming its key', async () => {
    const workspaceId = randomUUID();
    const { tokenHash: _hash, ...withoutHash } = newItem(workspaceId);
    await dynamo.put(tableName, withoutHash);

    const failure = await repository
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

    const failure = await repository
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

    await expect(repository.findCredential(item.workspaceId, item.id)).rejects.toBeInstanceOf(
      CorruptPatItemError,
    );
  });
});

describe('touchLastUsed', () => {
  const lastUsedAt = async (workspaceId: string, id: string) =>
    (await repository.findById(workspaceId, id))?.lastUsedAt;

  it('writes lastUsedAt when the PAT has none', async () => {
    const item = newItem(randomUUID());
    await repository.create(item, 10);

    const written = await repository.touchLastUsed(
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
    await repository.create(item, 10);
    await repository.touchLastUsed(
      item.workspaceId,
      item.id,
      '2026-01-05T00:00:00.000Z',
      '2026-01-04T23:59:00.000Z',
    );

    const atTheBound = await repository.touchLastUsed(
      item.workspaceId,
      item.id,
      '2026-01-05T00:01:00.000Z',
      '2026-01-05T00:00:00.000Z',
    );
    const past = await repository.touchLastUsed(
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

    const written = await repository.touchLastUsed(
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

describe('toPatRecord', () => {
  const key = { workspaceId: 'w', id: 'p' };
  const complete = {
    workspaceId: 'w',
    id: 'p',
    name: 'n',
    scopes: ['read'],
    tokenPrefix: 'pat_AbCd1234',
    createdAt: '2026-01-02T03:04:05.000Z',
  };
  function problems(item: Record<string, unknown>): readonly string[] {
    try {
      toPatRecord(item, key);
    } catch (error) {
      if (error instanceof CorruptPatItemError) return error.problems;
      throw error;
    }
    return [];
  }

  it('maps a complete item, leaving absent optional attributes out', () => {
    // Strict: an optional attribute present with the value undefined would differ from one left out.
    expect(toPatRecord(complete, key)).toStrictEqual(complete);
  });

  it('keeps optional attributes when present', () => {
    expect(toPatRecord({ ...complete, expiresAt: 'e', lastUsedAt: 'l', createdBy: 'c' }, key)).toMatchObject({
      expiresAt: 'e',
      lastUsedAt: 'l',
      createdBy: 'c',
    });
  });

  it('names every missing or mistyped attribute, with the key', () => {
    const { name: _n, scopes: _s, ...rest } = complete;
    const item = { ...rest, tokenPrefix: '', createdAt: 42, expiresAt: 7 };

    expect(problems(item)).toEqual([
      'name is missing',
      'tokenPrefix is not a non-empty string',
      'createdAt is not a non-empty string',
      'expiresAt is not a non-empty string',
      'scopes is missing',
    ]);
    expect(() => toPatRecord(item, key)).toThrow(expect.objectContaining({ key }));
    expect(() => toPatRecord(item, key)).toThrow(
      'Stored PAT item is invalid: name is missing; tokenPrefix is not a non-empty string; createdAt is not a non-empty string; expiresAt is not a non-empty string; scopes is missing',
    );
  });

  it.each(['name', 'tokenPrefix', 'createdAt'])('refuses an item without %s, naming it', (attribute) => {
    const item: Record<string, unknown> = { ...complete };
    delete item[attribute];

    expect(problems(item)).toEqual([`${attribute} is missing`]);
  });

  it('refuses scopes that are not a list of strings', () => {
    expect(problems({ ...complete, scopes: 'read' })).toEqual(['scopes is not a list of strings']);
    expect(problems({ ...complete, scopes: ['read', 1] })).toEqual(['scopes is not a list of strings']);
  });

  it('takes the key from the request, not from the item', () => {
    expect(toPatRecord({ ...complete, workspaceId: 'other', id: 'other' }, key)).toMatchObject(key);
  });
});

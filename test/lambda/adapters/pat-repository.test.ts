import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDbPatRepository } from '../../../lambda/adapters/pat-repository';
import { toPatRecord, WORKSPACE_COUNTER } from '../../../lambda/adapters/pats-table-schema';
import { LIMIT_ACTOR } from '../../../lambda/domain/audit';
import { removalOf } from '../../../lambda/domain/expiry';
import type { NewPatItem } from '../../../lambda/domain/pat';
import { UuidV7Generator } from '../../../lambda/domain/uuid';
import { newTableName, TestDynamo } from '../../support/dynamodb';
import { legacyPatItem } from '../../support/pats';
import { recordOf, repositoryOn, writesOf } from '../../support/repository';

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
  repository = repositoryOn({ client: dynamo.client, tableName });
  writes = writesOf(repository);
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

type Writes = ReturnType<typeof writesOf>;
let writes: Writes;
const create: Writes['create'] = (...args) => writes.create(...args);
const revoke: Writes['revoke'] = (...args) => writes.revoke(...args);
const replace: Writes['replace'] = (...args) => writes.replace(...args);
const removeExpired: Writes['removeExpired'] = (...args) => writes.removeExpired(...args);
const actionsOf = async (workspaceId: string) =>
  (await dynamo.auditItems(tableName, workspaceId)).map((item) => `${item.action} ${item.patId}`);

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
    await create(item, 10);

    const record = await repository.findById(workspaceId, item.id);

    const { tokenHash: _hash, ...metadata } = item;
    expect(record).toEqual(metadata);
  });

  it('returns undefined for an id of another workspace', async () => {
    const item = newItem(randomUUID());
    await create(item, 10);

    await expect(repository.findById(randomUUID(), item.id)).resolves.toBeUndefined();
  });
});

describe('list', () => {
  it('pages newest first by id, saying when more follow, and never lists the counter', async () => {
    const workspaceId = randomUUID();
    const created: NewPatItem[] = [];
    for (let i = 0; i < 5; i += 1) {
      const item = newItem(workspaceId, { name: `pat ${i}` });
      await create(item, 10);
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
    await create(newItem(workspaceId), 10);
    await create(newItem(workspaceId), 10);

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
    await create(newItem(workspaceId), 10);
    await create(newItem(workspaceId), 10);

    expect(await countOf(workspaceId)).toBe(2);
  });

  it('holds the per-workspace limit exactly under concurrent creates', async () => {
    const workspaceId = randomUUID();

    const outcomes = await Promise.all(Array.from({ length: 25 }, () => create(newItem(workspaceId), 10)));

    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === 'limit_exceeded')).toHaveLength(15);
    expect((await repository.list(workspaceId, { limit: 100 })).records).toHaveLength(10);
    expect(await countOf(workspaceId)).toBe(10);
  });

  it('fails, rather than reporting the limit, when the id is already taken, and counts nothing', async () => {
    const workspaceId = randomUUID();
    const item = newItem(workspaceId);
    await create(item, 10);

    await expect(create({ ...item, name: 'twin' }, 10)).rejects.toThrow(
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
    await create(item, 1);
    expect(await create(newItem(workspaceId), 1)).toBe('limit_exceeded');

    const deleted = await revoke(workspaceId, item.id);

    expect(deleted?.id).toBe(item.id);
    expect(deleted?.tokenPrefix).toBe(item.tokenPrefix);
    expect(await repository.findById(workspaceId, item.id)).toBeUndefined();
    expect(await countOf(workspaceId)).toBe(0);
    expect(await create(newItem(workspaceId), 1)).toBe('created');
    expect(await revoke(workspaceId, item.id)).toBeUndefined();
  });

  it('deletes a PAT stored before the counter existed, counting the workspace first', async () => {
    const workspaceId = randomUUID();
    const [first, second] = [legacyPatItem(workspaceId).item, legacyPatItem(workspaceId).item];
    await dynamo.put(tableName, first);
    await dynamo.put(tableName, second);

    const deleted = await revoke(workspaceId, first.id);

    expect(deleted?.id).toBe(first.id);
    expect(await repository.findById(workspaceId, first.id)).toBeUndefined();
    expect(await countOf(workspaceId)).toBe(1);
  });
});

describe('the count of PATs stored without it', () => {
  const counter = (workspaceId: string, count: number) =>
    dynamo.put(tableName, {
      workspaceId,
      id: WORKSPACE_COUNTER.id,
      [WORKSPACE_COUNTER.countAttribute]: count,
    });

  it('counts PATs stored before the counter existed towards the limit', async () => {
    const workspaceId = randomUUID();
    for (let i = 0; i < 3; i += 1) await dynamo.put(tableName, legacyPatItem(workspaceId).item);

    const outcomes = [await create(newItem(workspaceId), 4), await create(newItem(workspaceId), 4)];

    expect(outcomes).toEqual(['created', 'limit_exceeded']);
    expect(await countOf(workspaceId)).toBe(4);
  });

  it('corrects a count that drifted below the PATs stored (an earlier version) before the next write', async () => {
    const workspaceId = randomUUID();
    for (let i = 0; i < 5; i += 1) await dynamo.put(tableName, legacyPatItem(workspaceId).item);
    await counter(workspaceId, 1);

    expect(await create(newItem(workspaceId), 5)).toBe('limit_exceeded');
    expect(await countOf(workspaceId)).toBe(5);
  });

  it('corrects a count that drifted above the PATs stored, freeing the slots', async () => {
    const workspaceId = randomUUID();
    await counter(workspaceId, 7);

    expect(await create(newItem(workspaceId), 5)).toBe('created');
    expect(await countOf(workspaceId)).toBe(1);
  });

  it('counts once under concurrent writes: the limit holds exactly', async () => {
    const workspaceId = randomUUID();
    for (let i = 0; i < 2; i += 1) await dynamo.put(tableName, legacyPatItem(workspaceId).item);

    const outcomes = await Promise.all(Array.from({ length: 12 }, () => create(newItem(workspaceId), 6)));

    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(4);
    expect((await repository.list(workspaceId, { limit: 100 })).records).toHaveLength(6);
    expect(await countOf(workspaceId)).toBe(6);
  });
});

describe('expired and remove', () => {
  it('deletes the PATs expired at the time given, freeing their slots, and returns them', async () => {
    const workspaceId = randomUUID();
    const expired = newItem(workspaceId, { expiresAt: '2026-01-01T00:00:00.000Z' });
    const live = newItem(workspaceId, { expiresAt: '2026-06-01T00:00:00.000Z' });
    // Stored before the counter existed, without an expiry: never removed as expired.
    await dynamo.put(tableName, legacyPatItem(workspaceId).item);
    await create(expired, 10);
    await create(live, 10);

    const removed = await removeExpired(workspaceId, '2026-03-01T00:00:00.000Z');

    expect(removed.map((record) => record.id)).toEqual([expired.id]);
    expect(await repository.findById(workspaceId, expired.id)).toBeUndefined();
    expect(await repository.findById(workspaceId, live.id)).toBeDefined();
    expect(await countOf(workspaceId)).toBe(2);
  });

  it('removes an expired PAT once under concurrent removals', async () => {
    const workspaceId = randomUUID();
    await create(newItem(workspaceId, { expiresAt: '2026-01-01T00:00:00.000Z' }), 10);
    await create(newItem(workspaceId, { expiresAt: '2026-06-01T00:00:00.000Z' }), 10);

    const [a, b] = await Promise.all([
      removeExpired(workspaceId, '2026-03-01T00:00:00.000Z'),
      removeExpired(workspaceId, '2026-03-01T00:00:00.000Z'),
    ]);

    expect(a.length + b.length).toBe(1);
    expect(await countOf(workspaceId)).toBe(1);
  });
});

describe('concurrent deletes of one PAT', () => {
  it('delete it once: one gets the PAT, the other nothing, and the count drops by one', async () => {
    const workspaceId = randomUUID();
    const item = newItem(workspaceId);
    await create(item, 10);
    await create(newItem(workspaceId), 10);

    const outcomes = await Promise.all([revoke(workspaceId, item.id), revoke(workspaceId, item.id)]);

    expect(outcomes.map((outcome) => outcome?.id ?? 'none').sort()).toEqual([item.id, 'none'].sort());
    expect(await countOf(workspaceId)).toBe(1);
  });

  it('delete a PAT stored before the counter existed once as well', async () => {
    const workspaceId = randomUUID();
    const { item } = legacyPatItem(workspaceId);
    await dynamo.put(tableName, item);

    const outcomes = await Promise.all([revoke(workspaceId, item.id), revoke(workspaceId, item.id)]);

    expect(outcomes.map((outcome) => outcome?.id ?? 'none').sort()).toEqual([item.id, 'none'].sort());
    expect(await repository.findById(workspaceId, item.id)).toBeUndefined();
  });
});

describe('replace', () => {
  it('stores the replacement and deletes the old one, the count unchanged', async () => {
    const workspaceId = randomUUID();
    const old = newItem(workspaceId);
    await create(old, 10);
    const replacement = newItem(workspaceId);

    const outcome = await replace(toPatRecord({ ...old }, old), replacement);

    expect(outcome).toBe('replaced');
    expect(await repository.findById(workspaceId, old.id)).toBeUndefined();
    expect((await repository.findById(workspaceId, replacement.id))?.id).toBe(replacement.id);
    expect(await countOf(workspaceId)).toBe(1);
  });

  it('lets exactly one of two concurrent replacements of one PAT through', async () => {
    const workspaceId = randomUUID();
    const old = newItem(workspaceId);
    await create(old, 10);
    const record = toPatRecord({ ...old }, old);
    const [a, b] = [newItem(workspaceId), newItem(workspaceId)];

    const outcomes = await Promise.all([replace(record, a), replace(record, b)]);

    expect([...outcomes].sort()).toEqual(['not_found', 'replaced']);
    const listed = (await repository.list(workspaceId, { limit: 10 })).records.map((r) => r.id);
    expect(listed).toEqual([outcomes[0] === 'replaced' ? a.id : b.id]);
  });

  it('replaces nothing once the old PAT is gone', async () => {
    const workspaceId = randomUUID();
    const old = newItem(workspaceId);

    await expect(replace(toPatRecord({ ...old }, old), newItem(workspaceId))).resolves.toBe('not_found');
    expect((await repository.list(workspaceId, { limit: 10 })).records).toEqual([]);
  });

  it('fails, keeping the old PAT, when the replacement id is already taken', async () => {
    const workspaceId = randomUUID();
    const [old, taken] = [newItem(workspaceId), newItem(workspaceId)];
    await create(old, 10);
    await create(taken, 10);

    await expect(replace(toPatRecord({ ...old }, old), { ...taken, name: 'twin' })).rejects.toThrow(
      'rotate cancelled: ConditionalCheckFailed, None',
    );
    expect((await repository.findById(workspaceId, old.id))?.id).toBe(old.id);
    expect((await repository.findById(workspaceId, taken.id))?.name).toBe(taken.name);
  });
});

describe('audit records', () => {
  it('are written with each change, in its transaction, kept for the retention by TTL', async () => {
    const workspaceId = randomUUID();
    const [item, replacement] = [newItem(workspaceId), newItem(workspaceId)];
    await create(item, 10);
    await replace(toPatRecord({ ...item }, item), replacement);
    await revoke(workspaceId, replacement.id);

    const items = await dynamo.auditItems(tableName, workspaceId);

    expect(items.map((record) => `${record.action} ${record.patId}`)).toEqual([
      `pat.created ${item.id}`,
      `pat.rotated ${item.id}`,
      `pat.revoked ${replacement.id}`,
    ]);
    for (const record of items) {
      expect(record.ttl).toBe(Math.floor(Date.parse(String(record.occurredAt)) / 1000) + 400 * 86_400);
      expect(record).not.toHaveProperty('tokenHash');
    }
  });

  it('are not written when the change is not made', async () => {
    const workspaceId = randomUUID();
    const item = newItem(workspaceId);
    await create(item, 1);
    const before = await actionsOf(workspaceId);

    expect(await create(newItem(workspaceId), 1)).toBe('limit_exceeded');
    await expect(create({ ...item, name: 'twin' }, 10)).rejects.toThrow('create cancelled');
    const gone = toPatRecord({ ...newItem(workspaceId) }, newItem(workspaceId));
    expect(await replace(gone, newItem(workspaceId))).toBe('not_found');
    expect(await repository.delete(gone, recordOf('pat.revoked', gone))).toBe(false);

    expect(await actionsOf(workspaceId)).toEqual(before);
  });

  it('announce the expiry of a removed PAT first, unless the job did', async () => {
    const workspaceId = randomUUID();
    const expiresAt = '2026-01-01T00:00:00.000Z';
    const unannounced = newItem(workspaceId, { expiresAt });
    const announced = newItem(workspaceId, { expiresAt });
    await create(unannounced, 10);
    await create(announced, 10);
    await dynamo.put(tableName, { ...announced, notices: new Set([`expired@${expiresAt}`]) });

    await removeExpired(workspaceId, '2026-03-01T00:00:00.000Z');

    const actions = await actionsOf(workspaceId);
    expect(actions.filter((action) => action.endsWith(unannounced.id))).toEqual([
      `pat.created ${unannounced.id}`,
      `pat.expired ${unannounced.id}`,
      `pat.removed ${unannounced.id}`,
    ]);
    expect(actions.filter((action) => action.endsWith(announced.id))).toEqual([
      `pat.created ${announced.id}`,
      `pat.removed ${announced.id}`,
    ]);
  });

  it('refuse a removal that would announce an expiry announced since it was read', async () => {
    const workspaceId = randomUUID();
    const expiresAt = '2026-01-01T00:00:00.000Z';
    const item = newItem(workspaceId, { expiresAt });
    await create(item, 10);
    const [read] = await repository.expired(workspaceId, '2026-03-01T00:00:00.000Z');
    if (read === undefined) throw new Error('the expired PAT was not found');
    await dynamo.put(tableName, { ...item, notices: new Set([`expired@${expiresAt}`]) });

    const removed = await repository.remove(read, removalOf(read, LIMIT_ACTOR, { at: Date.now(), ids }));

    expect(removed).toBe(false);
    expect(await repository.findById(workspaceId, item.id)).toBeDefined();
    expect(await actionsOf(workspaceId)).toEqual([`pat.created ${item.id}`]);
  });
});

import { randomUUID } from 'node:crypto';
import { DynamoDbExpiryStore } from '../../../lambda/adapters/expiry-store';
import { auditRecord, EXPIRY_JOB_ACTOR } from '../../../lambda/domain/audit';
import { type ExpiringPat, expiryStep, noticeMark, removalOf } from '../../../lambda/domain/expiry';
import type { NewPatItem } from '../../../lambda/domain/pat';
import { UuidV7Generator } from '../../../lambda/domain/uuid';
import { auditTableOf, newTableName, TestDynamo } from '../../support/dynamodb';
import { repositoryOn, writesOf } from '../../support/repository';

/** The expiry job's store against DynamoDB Local: the index it reads, and every write's condition. */
let dynamo: TestDynamo;
let tableName: string;
let store: DynamoDbExpiryStore;
let create: (item: NewPatItem) => Promise<unknown>;
const ids = new UuidV7Generator(Date.now, (size) => crypto.getRandomValues(new Uint8Array(size)));
const context = () => ({ at: Date.now(), ids });

beforeAll(async () => {
  dynamo = await TestDynamo.start();
  tableName = await dynamo.createPatsTable(newTableName());
  store = new DynamoDbExpiryStore({
    client: dynamo.client,
    tableName,
    audit: { tableName: auditTableOf(tableName), retentionDays: 400 },
  });
  const writes = writesOf(repositoryOn({ client: dynamo.client, tableName }));
  create = (item) => writes.create(item, 100);
});

afterAll(async () => {
  await dynamo.stop();
});

function newItem(workspaceId: string, expiresAt: string): NewPatItem {
  return {
    workspaceId,
    id: ids.next(),
    name: 'CI deploy',
    scopes: ['read'],
    tokenPrefix: 'pat_AbCd1234',
    tokenHash: 'f'.repeat(64),
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt,
  };
}

async function dueOf(workspaceId: string, until: string): Promise<ExpiringPat[]> {
  const found: ExpiringPat[] = [];
  for await (const page of store.due(until))
    found.push(...page.filter((pat) => pat.workspaceId === workspaceId));
  return found;
}
const actionsOf = async (workspaceId: string) =>
  (await dynamo.auditItems(tableName, workspaceId)).map((item) => item.action);

it('finds the PATs due by a time in every index partition, with what a notice names and no hash', async () => {
  const workspaceId = randomUUID();
  const due = Array.from({ length: 20 }, (_, i) =>
    newItem(workspaceId, `2027-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`),
  );
  for (const item of due) await create(item);
  await create(newItem(workspaceId, '2027-03-01T00:00:00.000Z'));

  const found = await dueOf(workspaceId, '2027-02-01T00:00:00.000Z');

  expect(found.map((pat) => pat.id).sort()).toEqual(due.map((item) => item.id).sort());
  expect(new Set(due.map((item) => item.id.slice(-1))).size).toBeGreaterThan(1);
  expect(found[0]).toEqual({
    workspaceId,
    id: expect.any(String),
    name: 'CI deploy',
    tokenPrefix: 'pat_AbCd1234',
    expiresAt: expect.stringMatching(/^2027-01-/),
    notices: [],
  });
});

it('marks a notice and writes its record together, once', async () => {
  const workspaceId = randomUUID();
  const item = newItem(workspaceId, '2027-01-05T00:00:00.000Z');
  await create(item);
  const [pat] = await dueOf(workspaceId, '2027-02-01T00:00:00.000Z');
  if (pat === undefined) throw new Error('not due');
  const step = expiryStep(pat, 30, EXPIRY_JOB_ACTOR, { at: Date.parse('2027-01-01T00:00:00.000Z'), ids });
  if (step.kind !== 'notify') throw new Error(`expected a notice, got ${step.kind}`);

  const outcomes = [
    await store.notify(pat, step.mark, step.record),
    await store.notify(pat, step.mark, step.record),
  ];

  expect(outcomes).toEqual([true, false]);
  expect(await actionsOf(workspaceId)).toEqual(['pat.created', 'pat.expiring']);
  expect((await dueOf(workspaceId, '2027-02-01T00:00:00.000Z'))[0]?.notices).toEqual([step.mark]);
});

it('writes nothing for a PAT whose expiry changed since it was read, or that is gone', async () => {
  const workspaceId = randomUUID();
  const [moved, gone] = [
    newItem(workspaceId, '2027-01-05T00:00:00.000Z'),
    newItem(workspaceId, '2027-01-06T00:00:00.000Z'),
  ];
  await create(moved);
  await create(gone);
  const read = await dueOf(workspaceId, '2027-02-01T00:00:00.000Z');
  await dynamo.put(tableName, { ...moved, expiresAt: '2027-06-01T00:00:00.000Z' });
  await writesOf(repositoryOn({ client: dynamo.client, tableName })).revoke(workspaceId, gone.id);
  const before = await actionsOf(workspaceId);

  for (const pat of read) {
    const mark = noticeMark('expiring7', pat.expiresAt);
    const record = auditRecord('pat.expiring', pat, EXPIRY_JOB_ACTOR, context(), { daysLeft: 7 });
    expect(await store.notify(pat, mark, record)).toBe(false);
    expect(await store.remove(pat, removalOf(pat, EXPIRY_JOB_ACTOR, context()))).toBe(false);
  }

  expect(await actionsOf(workspaceId)).toEqual(before);
});

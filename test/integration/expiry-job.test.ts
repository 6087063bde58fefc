import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { JsonLogger } from '../../lambda/adapters/json-logger';
import { WORKSPACE_COUNTER } from '../../lambda/adapters/pats-table-schema';
import { loadConfig } from '../../lambda/config';
import { EXPIRY_JOB_SETTINGS } from '../../lambda/config/schema';
import { expiryJobDependencies } from '../../lambda/expiry-job/dependencies';
import { createExpiryJobHandler } from '../../lambda/expiry-job/handler';
import { bodyOf } from '../support/harness';
import { type PatApi, startPatApi } from '../support/pat-api';
import { formattedPatItem } from '../support/pats';

/**
 * The expiry job (its production handler and store) over DynamoDB Local, on PATs created through
 * the API; the job's clock is set to each moment of a PAT's life.
 */
let api: PatApi;
const DAY = 86_400_000;
const HOUR = 3_600_000;

beforeAll(async () => {
  api = await startPatApi();
});

afterAll(async () => {
  await api.stop();
});

/** A run of the job at `at` (ms), configured from the functions' environment. */
function jobAt(at: number, env: Record<string, string> = {}) {
  const config = loadConfig(EXPIRY_JOB_SETTINGS, api.env({ LOG_LEVEL: 'SILENT', ...env }));
  return createExpiryJobHandler(
    expiryJobDependencies(config, {
      clock: { now: () => at },
      logger: new JsonLogger({ serviceName: 'test', level: 'SILENT' }),
    }),
  );
}
const runAt = (at: number, env: Record<string, string> = {}) => jobAt(at, env)({});

type Record_ = { action: string; patId: string; daysLeft?: number; actor: unknown; occurredAt: string };
async function recordsOf(workspace: string, patId: string): Promise<string[]> {
  const { data } = bodyOf<{ data: Record_[] }>(
    await api.call('auditLog', { workspace, query: { patId, limit: '100' } }),
  );
  return data
    .map((record) => `${record.action}${record.daysLeft !== undefined ? ` ${record.daysLeft}` : ''}`)
    .reverse();
}

async function setExpiry(workspace: string, id: string, expiresAt: string) {
  await api.dynamo.client.send(
    new UpdateCommand({
      TableName: api.tableName,
      Key: { workspaceId: workspace, id },
      UpdateExpression: 'SET expiresAt = :e',
      ExpressionAttributeValues: { ':e': expiresAt },
    }),
  );
}

it('announces a PAT 7 days and 1 day ahead, then its expiry, then removes it after the retention', async () => {
  const workspace = api.newWorkspace();
  const pat = await api.create(workspace);
  const expiresAt = Date.parse(pat.expiresAt);

  for (const at of [
    expiresAt - 8 * DAY,
    expiresAt - 6 * DAY,
    expiresAt - 5 * DAY,
    expiresAt - 12 * HOUR,
    expiresAt + HOUR,
    expiresAt + 29 * DAY,
    expiresAt + 30 * DAY,
  ]) {
    await runAt(at);
  }

  expect(await recordsOf(workspace, pat.id)).toEqual([
    'pat.created',
    'pat.expiring 7',
    'pat.expiring 1',
    'pat.expired',
    'pat.removed',
  ]);
  expect((await api.call('getPat', { workspace, id: pat.id })).statusCode).toBe(404);
});

it('writes its records as the job, when it wrote them', async () => {
  const workspace = api.newWorkspace();
  const pat = await api.create(workspace);
  const at = Date.parse(pat.expiresAt) - 2 * DAY;

  await runAt(at);

  const { data } = bodyOf<{ data: Record_[] }>(
    await api.call('auditLog', { workspace, query: { patId: pat.id } }),
  );
  expect(data[0]).toMatchObject({
    action: 'pat.expiring',
    actor: { type: 'system', subject: 'expiry-job' },
    occurredAt: new Date(at).toISOString(),
    daysLeft: 7,
  });
});

it('gives a PAT first seen inside the 1-day window only that notice, and one first seen expired only pat.expired', async () => {
  const workspace = api.newWorkspace();
  const [soon, late] = [await api.create(workspace), await api.create(workspace)];

  await runAt(Date.parse(soon.expiresAt) - 8 * DAY);
  // The threshold is crossed between two runs: the next run is inside the last day.
  await runAt(Date.parse(soon.expiresAt) - HOUR);
  await runAt(Date.parse(late.expiresAt) + 2 * DAY);

  expect(await recordsOf(workspace, soon.id)).toEqual(['pat.created', 'pat.expiring 1', 'pat.expired']);
  expect(await recordsOf(workspace, late.id)).toEqual(['pat.created', 'pat.expiring 1', 'pat.expired']);
});

it('writes each step once, however often it runs', async () => {
  const workspace = api.newWorkspace();
  const pat = await api.create(workspace);
  const at = Date.parse(pat.expiresAt) - 3 * DAY;

  const summaries = [await runAt(at), await runAt(at), await runAt(at + HOUR)];

  expect(await recordsOf(workspace, pat.id)).toEqual(['pat.created', 'pat.expiring 7']);
  expect(summaries.map((summary) => summary.expiring7)).toEqual([expect.any(Number), 0, 0]);
});

it('writes each step once when two runs overlap', async () => {
  const workspace = api.newWorkspace();
  const pats = [];
  for (let i = 0; i < 12; i += 1) pats.push(await api.create(workspace, { name: `pat ${i}` }));
  const at = Math.max(...pats.map((pat) => Date.parse(pat.expiresAt))) + HOUR;

  await Promise.all([runAt(at), runAt(at), runAt(at)]);

  for (const pat of pats) expect(await recordsOf(workspace, pat.id)).toEqual(['pat.created', 'pat.expired']);
});

it('judges a PAT by its expiry as stored now: an expiry changed outside the API is announced afresh', async () => {
  const workspace = api.newWorkspace();
  const pat = await api.create(workspace);
  const first = Date.parse(pat.expiresAt);
  await runAt(first - 2 * DAY);
  // An operator extends it by 60 days in the console.
  const extended = new Date(first + 60 * DAY).toISOString();
  await setExpiry(workspace, pat.id, extended);

  await runAt(first - 12 * HOUR);
  await runAt(first + HOUR);
  await runAt(Date.parse(extended) - 3 * DAY);

  expect(await recordsOf(workspace, pat.id)).toEqual(['pat.created', 'pat.expiring 7', 'pat.expiring 7']);
});

it('frees the slot of a PAT it removes', async () => {
  const workspace = api.newWorkspace();
  const pat = await api.create(workspace);
  await api.create(workspace);
  const counter = async () =>
    (
      await api.dynamo.client.send(
        new GetCommand({
          TableName: api.tableName,
          Key: { workspaceId: workspace, id: WORKSPACE_COUNTER.id },
          ConsistentRead: true,
        }),
      )
    ).Item?.[WORKSPACE_COUNTER.countAttribute];
  await setExpiry(workspace, pat.id, '2020-01-01T00:00:00.000Z');

  await runAt(Date.now());

  expect(await counter()).toBe(1);
  expect(await recordsOf(workspace, pat.id)).toEqual(['pat.created', 'pat.expired', 'pat.removed']);
});

it('removes an expired PAT at once with no retention, announcing its expiry in the same step', async () => {
  const workspace = api.newWorkspace();
  const pat = await api.create(workspace);

  const summary = await runAt(Date.parse(pat.expiresAt), { PAT_EXPIRED_RETENTION_DAYS: '0' });

  expect(summary).toMatchObject({ removed: expect.any(Number) });
  expect(await recordsOf(workspace, pat.id)).toEqual(['pat.created', 'pat.expired', 'pat.removed']);
});

it('indexes the PATs an earlier version stored on its first run over a table, and scans it only then', async () => {
  // A table of its own: whether a table was indexed is marked in the table.
  const own = await startPatApi();
  try {
    const workspace = own.newWorkspace();
    const expiresAt = new Date(Date.now() - DAY).toISOString();
    const [before, after] = [
      formattedPatItem(workspace, { expiresAt }),
      formattedPatItem(workspace, { expiresAt }),
    ];
    await own.dynamo.put(own.tableName, before.item);
    const config = loadConfig(EXPIRY_JOB_SETTINGS, own.env({ LOG_LEVEL: 'SILENT' }));
    const run = createExpiryJobHandler(expiryJobDependencies(config));

    await run({});
    await own.dynamo.put(own.tableName, after.item);
    await run({});

    const actions = bodyOf<{ data: Array<{ action: string; patId: string }> }>(
      await own.call('auditLog', { workspace }),
    ).data.map((record) => `${record.action} ${record.patId}`);
    expect(actions).toEqual([`pat.expired ${before.item.id}`]);
    expect(
      await own.dynamo.get(own.tableName, { workspaceId: '#expiry-index', id: '#complete' }),
    ).toBeDefined();
  } finally {
    await own.stop();
  }
});

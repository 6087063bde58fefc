import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditTableOf } from '../support/dynamodb';
import { BUS_NAME, deduped, pollerFor, startBus } from '../support/events';
import { FaultProxy } from '../support/fault-proxy';
import { bodyOf } from '../support/harness';
import { type PatApi, startPatApi } from '../support/pat-api';
import { ROOT } from '../support/processes';

/**
 * Records to events: DynamoDB Local's stream of the audit table, read as Lambda's event source
 * mapping would, the production publisher, and `npm start`'s bus speaking EventBridge's API.
 */
jest.setTimeout(60_000);
let api: PatApi;
let dir: string;

beforeAll(async () => {
  api = await startPatApi();
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'events-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await api.stop();
});

type Record_ = { id: string; action: string; patId: string; occurredAt: string };
const recordsOf = async (workspace: string) =>
  bodyOf<{ data: Record_[] }>(
    await api.call('auditLog', { workspace, query: { limit: '100' } }),
  ).data.reverse();

/** Some history in a new workspace: two PATs created, one rotated, one revoked. */
async function history() {
  const workspace = api.newWorkspace();
  const [a, b] = [await api.create(workspace), await api.create(workspace)];
  await api.call('rotatePat', { workspace, id: a.id });
  await api.call('revokePat', { workspace, id: b.id });
  return workspace;
}

async function drained(busEndpoint: string, options: { checkpointFile?: string } = {}) {
  const poller = pollerFor({
    endpoint: api.dynamo.endpoint,
    auditTable: auditTableOf(api.tableName),
    busEndpoint,
    ...options,
  });
  await poller.drain();
  await poller.stop();
}

it('publishes every record, in order, as EventBridge delivers it: the record is the detail', async () => {
  const workspace = await history();
  const bus = await startBus();
  try {
    await drained(bus.endpoint);

    const events = deduped(bus.delivered).filter((event) => event.detail.workspaceId === workspace);
    const records = await recordsOf(workspace);
    expect(events.map((event) => event.detail)).toEqual(records);
    for (const event of events) {
      expect(event).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        source: 'pats-api',
        'detail-type': event.detail.action,
        time: `${String(event.detail.occurredAt).slice(0, 19)}Z`,
        detail: expect.any(Object),
      });
    }
  } finally {
    await bus.close();
  }
});

it('publishes a record refused by the bus (FailedEntryCount) again, nothing of its PAT overtaking it', async () => {
  const workspace = await history();
  let refusals = 0;
  // The bus refuses each record the first time it is offered, as EventBridge sometimes does.
  const offered = new Set<unknown>();
  const bus = await startBus((entry) => {
    const detail = JSON.parse(String(entry.Detail)) as { id: string; workspaceId: string };
    if (detail.workspaceId !== workspace || offered.has(detail.id)) return undefined;
    offered.add(detail.id);
    refusals += 1;
    return 'ThrottlingException';
  });
  try {
    await drained(bus.endpoint);

    const events = bus.delivered.filter((event) => event.detail.workspaceId === workspace);
    const records = await recordsOf(workspace);
    expect(refusals).toBe(records.length);
    expect(deduped(events).map((event) => event.detail.id)).toEqual(records.map((record) => record.id));
    for (const patId of new Set(records.map((record) => record.patId))) {
      const order = events.filter((event) => event.detail.patId === patId).map((event) => event.detail.id);
      expect(order).toEqual(records.filter((record) => record.patId === patId).map((record) => record.id));
    }
  } finally {
    await bus.close();
  }
});

it('goes on from where it left off after a restart, publishing nothing twice', async () => {
  const bus = await startBus();
  const checkpointFile = join(dir, 'checkpoint.json');
  try {
    await drained(bus.endpoint, { checkpointFile });
    const before = bus.delivered.length;
    const workspace = await history();

    await drained(bus.endpoint, { checkpointFile });

    const after = bus.delivered.slice(before);
    expect(after.map((event) => event.detail.id)).toEqual(
      (await recordsOf(workspace)).map((record) => record.id),
    );
  } finally {
    await bus.close();
  }
});

describe('a publisher killed between a write and its publication', () => {
  /** The publisher in its own process, sending through `proxy`, from the checkpoint in `dir`. */
  function startPublisherProcess(busEndpoint: string): ChildProcess {
    return spawn(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'test', 'support', 'publisher-process.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          LOG_LEVEL: 'SILENT',
          EVENT_BUS_NAME: BUS_NAME,
          EVENT_BUS_ENDPOINT: busEndpoint,
          STREAM_ENDPOINT: api.dynamo.endpoint,
          STREAM_TABLE: auditTableOf(api.tableName),
          STREAM_CHECKPOINT: join(dir, 'checkpoint.json'),
        },
        stdio: 'ignore',
      },
    );
  }

  async function killedWhilePublishing(fault: 'hang' | 'apply-then-hang') {
    const bus = await startBus();
    const proxy = await FaultProxy.start(bus.endpoint);
    // Everything written so far is published: what follows is the test's.
    await drained(bus.endpoint, { checkpointFile: join(dir, 'checkpoint.json') });
    const workspace = await history();
    proxy.inject(fault, { operation: 'PutEvents' });
    const child = startPublisherProcess(proxy.endpoint);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Killed once the batch is on its way (and, when the bus applies it, once the bus took it).
    const sent = () =>
      fault === 'hang'
        ? proxy.attemptsOf('PutEvents') > 0
        : bus.delivered.some((event) => event.detail.workspaceId === workspace);
    for (let waited = 0; !sent(); waited += 50) {
      if (waited > 30_000) throw new Error('the publisher never sent its batch');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    await exited;
    const deliveredBeforeRestart = bus.delivered.filter(
      (event) => event.detail.workspaceId === workspace,
    ).length;

    await drained(bus.endpoint, { checkpointFile: join(dir, 'checkpoint.json') });

    const events = bus.delivered.filter((event) => event.detail.workspaceId === workspace);
    await Promise.all([proxy.stop(), bus.close()]);
    return { events, records: await recordsOf(workspace), deliveredBeforeRestart };
  }

  it('leaves no record unpublished: the next publisher starts from the last batch it finished', async () => {
    const { events, records, deliveredBeforeRestart } = await killedWhilePublishing('hang');

    expect(deliveredBeforeRestart).toBe(0);
    expect(events.map((event) => event.detail.id)).toEqual(records.map((record) => record.id));
  });

  it('publishes again what the bus took before the publisher died: at least once, deduped on detail.id', async () => {
    const { events, records, deliveredBeforeRestart } = await killedWhilePublishing('apply-then-hang');

    expect(deliveredBeforeRestart).toBeGreaterThan(0);
    expect(events.length).toBeGreaterThan(records.length);
    expect(deduped(events).map((event) => event.detail.id)).toEqual(records.map((record) => record.id));
  });
});

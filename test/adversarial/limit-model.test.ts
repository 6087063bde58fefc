import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { WORKSPACE_COUNTER } from '../../lambda/adapters/pats-table-schema';
import { loadConfig } from '../../lambda/config';
import { EXPIRY_JOB_SETTINGS } from '../../lambda/config/schema';
import { expiryJobDependencies } from '../../lambda/expiry-job/dependencies';
import { createExpiryJobHandler } from '../../lambda/expiry-job/handler';
import type { HttpResult } from '../../lambda/http/responses';
import type { RouteName } from '../../lib/routes';
import type { StreamPoller } from '../../local/events/stream-poller';
import { auditTableOf } from '../support/dynamodb';
import { deduped, pollerFor, startBus } from '../support/events';
import { bodyOf, type Invoke, routeEvent, routeHandler } from '../support/harness';
import { type PatApi, startPatApi } from '../support/pat-api';
import { legacyPatItem } from '../support/pats';

/**
 * Model-based test of a PAT's life (second security review, finding 4; the audit log and events):
 * random sequences of create, revoke, rotate, list, time passing, scope-policy changes and runs of
 * the expiry job, in workspaces that may hold PATs stored before the counter existed or a counter
 * an earlier version let drift. After every step: no more than the limit of unexpired PATs, the
 * counter (once exact) equals the PATs stored, every answer is the model's, the audit records are
 * exactly the changes made, and the events (once the publisher drained the stream) the records.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const LIMIT = 3;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The job removes expired PATs a day after their expiry here, so sequences of hours reach it. */
const RETENTION_DAYS = 1;
const POLICIES = { both: 'read,write', readOnly: 'read' } as const;
type Policy = keyof typeof POLICIES;
jest.setTimeout(300_000);

let api: PatApi;
const clock = { at: Date.now(), now: () => clock.at };
let handlers: Record<Policy, Map<RouteName, Invoke>>;
let job: ReturnType<typeof createExpiryJobHandler>;
let bus: Awaited<ReturnType<typeof startBus>>;
let poller: StreamPoller;

beforeAll(async () => {
  api = await startPatApi({ env: { PAT_MAX_PER_WORKSPACE: String(LIMIT) } });
  const jobConfig = loadConfig(
    EXPIRY_JOB_SETTINGS,
    api.env({ LOG_LEVEL: 'SILENT', PAT_EXPIRED_RETENTION_DAYS: String(RETENTION_DAYS) }),
  );
  job = createExpiryJobHandler(expiryJobDependencies(jobConfig, { clock }));
  bus = await startBus();
  poller = pollerFor({
    endpoint: api.dynamo.endpoint,
    auditTable: auditTableOf(api.tableName),
    busEndpoint: bus.endpoint,
  });
  const build = (policy: Policy) =>
    new Map(
      (['createPat', 'revokePat', 'rotatePat', 'listPats'] as const).map((name) => [
        name,
        routeHandler(name, api.env({ PAT_MAX_PER_WORKSPACE: String(LIMIT), PAT_SCOPES: POLICIES[policy] }), {
          overrides: { clock },
        }),
      ]),
    );
  handlers = { both: build('both'), readOnly: build('readOnly') };
});

afterAll(async () => {
  await poller?.stop();
  await bus?.close();
  await api.stop();
});

type Notice = 'expiring7' | 'expiring1' | 'expired';
interface ModelPat {
  scopes: string[];
  /** Epoch ms; `undefined` for a PAT stored before expiries were required. */
  expiresAt: number | undefined;
  readonly notices: Set<Notice>;
}

class Model {
  readonly pats = new Map<string, ModelPat>();
  /** The records the changes so far must have left, per PAT, in order. */
  readonly records = new Map<string, string[]>();
  policy: Policy = 'both';
  readonly expired = (pat: ModelPat) => pat.expiresAt !== undefined && pat.expiresAt <= clock.at;
  readonly allows = (scope: string) => POLICIES[this.policy].split(',').includes(scope);
  record(patId: string, action: string): void {
    this.records.set(patId, [...(this.records.get(patId) ?? []), action]);
  }
  /** An expired PAT removed: its expiry announced first unless it was. */
  remove(id: string, pat: ModelPat): void {
    if (!pat.notices.has('expired')) this.record(id, 'pat.expired');
    this.record(id, 'pat.removed');
    this.pats.delete(id);
  }
}

class Real {
  readonly workspace = randomUUID();
  // Valid whatever time the steps move the clock to.
  private readonly token = api.token([this.workspace], {
    exp: Math.floor(Date.now() / 1000) + 10 * 365 * 86_400,
  });

  constructor(readonly model: Model) {}

  call(name: RouteName, options: { id?: string; body?: unknown } = {}): Promise<HttpResult> {
    const handler = handlers[this.model.policy].get(name);
    if (handler === undefined) throw new Error(`no handler ${name}`);
    return handler(routeEvent(name, { workspace: this.workspace, token: this.token, ...options }));
  }

  /** The PAT items stored and the counter, read straight from the table. */
  async stored() {
    const { Items = [] } = await api.dynamo.client.send(
      new QueryCommand({
        TableName: api.tableName,
        KeyConditionExpression: 'workspaceId = :w',
        ExpressionAttributeValues: { ':w': this.workspace },
        ConsistentRead: true,
      }),
    );
    const pats = Items.filter((item) => item.id !== WORKSPACE_COUNTER.id);
    const { Item: counter } = await api.dynamo.client.send(
      new GetCommand({
        TableName: api.tableName,
        Key: { workspaceId: this.workspace, id: WORKSPACE_COUNTER.id },
        ConsistentRead: true,
      }),
    );
    return { pats, counter };
  }
}

/** What must hold after every step. */
async function checkInvariants(model: Model, real: Real, step: string) {
  const { pats, counter } = await real.stored();
  const unexpired = pats.filter(
    (item) => item.expiresAt === undefined || Date.parse(item.expiresAt) > clock.at,
  );
  if (unexpired.length > LIMIT)
    throw new Error(`${step}: ${unexpired.length} unexpired PATs, limit ${LIMIT}`);
  const exact = counter?.[WORKSPACE_COUNTER.exactAttribute] === true;
  if (exact && counter?.[WORKSPACE_COUNTER.countAttribute] !== pats.length)
    throw new Error(
      `${step}: exact count ${counter?.[WORKSPACE_COUNTER.countAttribute]}, ${pats.length} PATs stored`,
    );
  const ids = pats.map((item) => String(item.id)).sort();
  if (JSON.stringify(ids) !== JSON.stringify([...model.pats.keys()].sort()))
    throw new Error(`${step}: stored ${ids}, the model holds ${[...model.pats.keys()].sort()}`);
  // The records are the changes made; the events, once the stream is drained, the records.
  const records = await api.dynamo.auditItems(api.tableName, real.workspace);
  const expected = JSON.stringify(Object.fromEntries([...model.records].sort()));
  if (byPat(records) !== expected)
    throw new Error(`${step}: records ${byPat(records)}, the changes made ${expected}`);
  await poller.drain();
  const events = deduped(bus.delivered)
    .filter((event) => event.detail.workspaceId === real.workspace)
    .map((event) => event.detail)
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
  if (JSON.stringify(events.map((event) => event.id)) !== JSON.stringify(records.map((record) => record.id)))
    throw new Error(`${step}: events ${byPat(events)}, records ${byPat(records)}`);
}

/** Records (or events' details) as each PAT's actions in order, `daysLeft` added to a notice. */
function byPat(records: ReadonlyArray<Record<string, unknown>>): string {
  const actions = new Map<string, string[]>();
  for (const record of records) {
    const action = `${record.action}${record.daysLeft !== undefined ? ` ${record.daysLeft}` : ''}`;
    actions.set(String(record.patId), [...(actions.get(String(record.patId)) ?? []), action]);
  }
  return JSON.stringify(Object.fromEntries([...actions].sort()));
}

const expectStatus = (result: HttpResult, status: number, what: string) => {
  if (result.statusCode !== status)
    throw new Error(`${what}: expected ${status}, got ${result.statusCode} ${result.body}`);
};

type Pick = { live: boolean; index: number };
const idOf = (model: Model, pick: Pick) => {
  const ids = [...model.pats.keys()];
  return pick.live && ids.length > 0 ? (ids[pick.index % ids.length] as string) : randomUUID();
};

abstract class Step implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real) {
    // A step takes a moment: records (UUIDv7, from each function's own generator) then follow
    // each other in time, as they do when a person makes one change after another.
    clock.at += 1;
    await this.act(model, real);
    await checkInvariants(model, real, this.toString());
  }
  abstract act(model: Model, real: Real): Promise<void>;
  abstract toString(): string;
}

class Create extends Step {
  constructor(
    readonly scopes: string[],
    readonly hours: number,
  ) {
    super();
  }
  async act(model: Model, real: Real) {
    const expiresAt = new Date(clock.at + this.hours * HOUR).toISOString();
    const result = await real.call('createPat', { body: { name: 'model', scopes: this.scopes, expiresAt } });
    if (!this.scopes.every(model.allows)) return expectStatus(result, 400, this.toString());
    // Expired PATs never block a workspace: at the limit, they make room first.
    if (model.pats.size >= LIMIT) {
      for (const [id, pat] of model.pats) if (model.expired(pat)) model.remove(id, pat);
    }
    if (model.pats.size >= LIMIT) return expectStatus(result, 409, this.toString());
    expectStatus(result, 201, this.toString());
    const { data } = bodyOf<{ data: { id: string } }>(result);
    model.pats.set(data.id, { scopes: this.scopes, expiresAt: Date.parse(expiresAt), notices: new Set() });
    model.record(data.id, 'pat.created');
  }
  toString = () => `create(${this.scopes}, ${this.hours} h)`;
}

class Revoke extends Step {
  constructor(readonly pick: Pick) {
    super();
  }
  async act(model: Model, real: Real) {
    const id = idOf(model, this.pick);
    const result = await real.call('revokePat', { id });
    if (!model.pats.has(id)) return expectStatus(result, 404, this.toString());
    expectStatus(result, 204, this.toString());
    model.pats.delete(id);
    model.record(id, 'pat.revoked');
  }
  toString = () => `revoke(${this.pick.live ? 'live' : 'unknown'} ${this.pick.index})`;
}

class Rotate extends Step {
  constructor(readonly pick: Pick) {
    super();
  }
  async act(model: Model, real: Real) {
    const id = idOf(model, this.pick);
    const result = await real.call('rotatePat', { id, body: {} });
    const old = model.pats.get(id);
    if (old === undefined) return expectStatus(result, 404, this.toString());
    if (model.expired(old)) return expectStatus(result, 409, `${this.toString()} (expired)`);
    const scopes = old.scopes.filter(model.allows);
    if (scopes.length === 0) return expectStatus(result, 409, `${this.toString()} (scopes retired)`);
    expectStatus(result, 201, this.toString());
    const { data } = bodyOf<{ data: { id: string; scopes: string[]; expiresAt: string } }>(result);
    if (JSON.stringify(data.scopes) !== JSON.stringify(scopes))
      throw new Error(`${this.toString()}: rotated into ${data.scopes}, the model keeps ${scopes}`);
    model.pats.delete(id);
    model.pats.set(data.id, { scopes, expiresAt: Date.parse(data.expiresAt), notices: new Set() });
    model.record(id, 'pat.rotated');
  }
  toString = () => `rotate(${this.pick.live ? 'live' : 'unknown'} ${this.pick.index})`;
}

class List extends Step {
  async act(model: Model, real: Real) {
    const result = await real.call('listPats');
    expectStatus(result, 200, this.toString());
    const ids = bodyOf<{ data: Array<{ id: string }> }>(result).data.map((pat) => pat.id);
    if (JSON.stringify(ids.sort()) !== JSON.stringify([...model.pats.keys()].sort()))
      throw new Error(`${this.toString()}: listed ${ids}, the model holds ${[...model.pats.keys()]}`);
  }
  toString = () => 'list';
}

class Pass extends Step {
  constructor(readonly hours: number) {
    super();
  }
  async act() {
    clock.at += this.hours * HOUR;
  }
  toString = () => `time passes (${this.hours} h)`;
}

/** A run of the expiry job now: each PAT gets the one step its time calls for, once. */
class RunJob extends Step {
  async act(model: Model) {
    await job({});
    for (const [id, pat] of model.pats) {
      if (pat.expiresAt === undefined) continue;
      const left = pat.expiresAt - clock.at;
      const notify = (notice: Notice, action: string) => {
        if (pat.notices.has(notice)) return;
        pat.notices.add(notice);
        model.record(id, action);
      };
      if (left <= -RETENTION_DAYS * DAY) model.remove(id, pat);
      else if (left <= 0) notify('expired', 'pat.expired');
      else if (left <= DAY) notify('expiring1', 'pat.expiring 1');
      else if (left <= 7 * DAY && !pat.notices.has('expiring1')) notify('expiring7', 'pat.expiring 7');
    }
  }
  toString = () => 'the expiry job runs';
}

class SetPolicy extends Step {
  constructor(readonly policy: Policy) {
    super();
  }
  async act(model: Model) {
    model.policy = this.policy;
  }
  toString = () => `PAT_SCOPES=${POLICIES[this.policy]}`;
}

const pick = fc.record({ live: fc.boolean(), index: fc.nat(10) });
// Creates weigh most, mostly of scopes every policy allows, so workspaces fill up and expire.
const create = fc
  .tuple(fc.constantFrom(['read'], ['read'], ['read', 'write'], ['write']), fc.integer({ min: 1, max: 48 }))
  .map(([scopes, hours]) => new Create([...scopes], hours));
const steps = fc.commands(
  [
    create,
    create,
    create,
    pick.map((target) => new Revoke(target)),
    pick.map((target) => new Rotate(target)),
    fc.constant(new List()),
    // Time passes and the job runs often enough that PATs get every notice and are removed.
    fc.integer({ min: 1, max: 30 }).map((hours) => new Pass(hours)),
    fc.integer({ min: 1, max: 30 }).map((hours) => new Pass(hours)),
    fc.constant(new RunJob()),
    fc.constant(new RunJob()),
    fc.constantFrom<Policy>('both', 'readOnly').map((policy) => new SetPolicy(policy)),
  ],
  { maxCommands: 25 },
);
/** The workspace before the first step: PATs stored before the counter existed, a drifted counter. */
const start = fc.record({
  legacy: fc.integer({ min: 0, max: LIMIT }),
  counter: fc.option(fc.integer({ min: 0, max: LIMIT + 3 }), { nil: undefined }),
});

it('keeps every workspace within its limit, its counter exact, its records and events the changes made, whatever happens', async () => {
  await fc.assert(
    fc.asyncProperty(start, steps, async (initial, sequence) => {
      // Time never runs backwards: each function's UUIDv7 generator keeps its own last instant.
      clock.at = Math.max(clock.at, Date.now()) + 1;
      await fc.asyncModelRun(async () => {
        const model = new Model();
        const real = new Real(model);
        for (let i = 0; i < initial.legacy; i += 1) {
          const { item } = legacyPatItem(real.workspace);
          await api.dynamo.put(api.tableName, item);
          model.pats.set(item.id, {
            scopes: item.scopes as string[],
            expiresAt: undefined,
            notices: new Set(),
          });
        }
        if (initial.counter !== undefined) {
          await api.dynamo.put(api.tableName, {
            workspaceId: real.workspace,
            id: WORKSPACE_COUNTER.id,
            [WORKSPACE_COUNTER.countAttribute]: initial.counter,
          });
        }
        return { model, real };
      }, sequence);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
});

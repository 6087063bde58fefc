import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { type HttpAnswer, request } from '../support/http';
import { startInProcessApi } from '../support/local-api';
import { LogCapture } from '../support/logs';

/**
 * Model-based testing of the PAT lifecycle on the running local API: random sequences of create,
 * list, get, rotate and revoke, each run in a fresh workspace, against a plain in-memory model of
 * what the contract says. Every answer must match the model: status, body, order, limit.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const LIMIT = 3;
jest.setTimeout(300_000);

let local: Awaited<ReturnType<typeof startInProcessApi>>;
const logs = new LogCapture();

beforeAll(async () => {
  logs.start();
  local = await startInProcessApi({ PAT_MAX_PER_WORKSPACE: String(LIMIT) });
});

afterAll(async () => {
  await local?.stop();
  logs.stop();
});

interface ModelPat {
  id: string;
  name: string;
  scopes: string[];
  expiresAt: string;
}

/** The contract, as data: a workspace's PATs by id. */
class Model {
  readonly pats = new Map<string, ModelPat>();
  /** Ids that existed once and were revoked or rotated away. */
  readonly gone: string[] = [];
}

class Real {
  readonly workspace = randomUUID();
  private readonly token = local.token({ workspaces: [this.workspace] });

  send(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    return request(local.port, {
      method,
      path,
      headers: {
        authorization: `Bearer ${this.token}`,
        'x-workspace-id': this.workspace,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }
}

const expectStatus = (answer: HttpAnswer, status: number, what: string) => {
  if (answer.status !== status)
    throw new Error(`${what}: expected ${status}, got ${answer.status} ${answer.body}`);
};

/** Picks a PAT the model knows, one that is gone, or one that never existed. */
type Pick = { kind: 'live' | 'gone' | 'unknown'; index: number };
function idOf(model: Model, pick: Pick): { id: string; live: boolean } {
  const live = [...model.pats.keys()];
  if (pick.kind === 'live' && live.length > 0)
    return { id: live[pick.index % live.length] as string, live: true };
  if (pick.kind === 'gone' && model.gone.length > 0) {
    return { id: model.gone[pick.index % model.gone.length] as string, live: false };
  }
  return { id: randomUUID(), live: false };
}

class CreateCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly name: string,
    readonly scopes: string[],
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const answer = await real.send('POST', '/api/v1/pats', { name: this.name, scopes: this.scopes });
    if (model.pats.size >= LIMIT) return expectStatus(answer, 409, this.toString());
    expectStatus(answer, 201, this.toString());
    const { data } = answer.json<{ data: ModelPat & { token: string } }>();
    if (data.name !== this.name.trim() || JSON.stringify(data.scopes) !== JSON.stringify(this.scopes)) {
      throw new Error(`${this.toString()}: created ${answer.body}`);
    }
    model.pats.set(data.id, { id: data.id, name: data.name, scopes: data.scopes, expiresAt: data.expiresAt });
  }
  toString = () => `create(${JSON.stringify(this.name)}, ${this.scopes})`;
}

class ListCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly limit: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const answer = await real.send(
        'GET',
        `/api/v1/pats?limit=${this.limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expectStatus(answer, 200, this.toString());
      const page = answer.json<{ data: Array<{ id: string }>; nextCursor?: string }>();
      if (page.data.length === 0 && cursor !== undefined)
        throw new Error(`${this.toString()}: a cursor led to an empty page`);
      ids.push(...page.data.map((pat) => pat.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const expected = [...model.pats.keys()].sort().reverse();
    if (JSON.stringify(ids) !== JSON.stringify(expected)) {
      throw new Error(`${this.toString()}: listed ${ids}, the model holds ${expected}`);
    }
  }
  toString = () => `list(limit ${this.limit})`;
}

class GetCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: Pick) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const { id, live } = idOf(model, this.pick);
    const answer = await real.send('GET', `/api/v1/pats/${id}`);
    if (!live) return expectStatus(answer, 404, this.toString());
    expectStatus(answer, 200, this.toString());
    const { data } = answer.json<{ data: ModelPat }>();
    const expected = model.pats.get(id);
    if (data.name !== expected?.name || data.expiresAt !== expected.expiresAt) {
      throw new Error(`${this.toString()}: read ${answer.body}, the model holds ${JSON.stringify(expected)}`);
    }
  }
  toString = () => `get(${this.pick.kind} ${this.pick.index})`;
}

class RotateCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: Pick) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const { id, live } = idOf(model, this.pick);
    const answer = await real.send('POST', `/api/v1/pats/${id}/rotate`);
    if (!live) return expectStatus(answer, 404, this.toString());
    expectStatus(answer, 201, this.toString());
    const old = model.pats.get(id) as ModelPat;
    const { data } = answer.json<{ data: ModelPat }>();
    if (data.name !== old.name || JSON.stringify(data.scopes) !== JSON.stringify(old.scopes)) {
      throw new Error(`${this.toString()}: rotated into ${answer.body}`);
    }
    model.pats.delete(id);
    model.gone.push(id);
    model.pats.set(data.id, { id: data.id, name: data.name, scopes: data.scopes, expiresAt: data.expiresAt });
  }
  toString = () => `rotate(${this.pick.kind} ${this.pick.index})`;
}

class RevokeCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: Pick) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const { id, live } = idOf(model, this.pick);
    const answer = await real.send('DELETE', `/api/v1/pats/${id}`);
    if (!live) return expectStatus(answer, 404, this.toString());
    expectStatus(answer, 204, this.toString());
    model.pats.delete(id);
    model.gone.push(id);
  }
  toString = () => `revoke(${this.pick.kind} ${this.pick.index})`;
}

const pick = fc.record({
  kind: fc.constantFrom<Pick['kind']>('live', 'live', 'live', 'gone', 'unknown'),
  index: fc.nat(10),
});
const commands = fc.commands(
  [
    fc
      .tuple(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
        fc.subarray(['read', 'write'], { minLength: 1 }),
      )
      // Names the contract accepts: no control, format or separator character, something visible.
      .filter(
        ([name]) =>
          name.trim() !== '' &&
          !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name) &&
          name.isWellFormed() &&
          /[^\p{Z}\p{C}]/u.test(name),
      )
      .map(([name, scopes]) => new CreateCommand(name, scopes)),
    fc.integer({ min: 1, max: 3 }).map((limit) => new ListCommand(limit)),
    pick.map((target) => new GetCommand(target)),
    pick.map((target) => new RotateCommand(target)),
    pick.map((target) => new RevokeCommand(target)),
  ],
  { maxCommands: 25 },
);

it('answers every random sequence of create, list, get, rotate and revoke as the model says', async () => {
  await fc.assert(
    fc.asyncProperty(commands, async (sequence) => {
      await fc.asyncModelRun(() => ({ model: new Model(), real: new Real() }), sequence);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
});

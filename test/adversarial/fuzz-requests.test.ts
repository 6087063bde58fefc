import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { encodeCursor } from '../../lambda/domain/cursor';
import { type HttpAnswer, request } from '../support/http';
import { startInProcessApi } from '../support/local-api';
import { LogCapture } from '../support/logs';

/**
 * Property-based fuzzing of what the management routes read besides ids and tokens, on the running
 * local API over real TCP: create and rotate bodies (types, sizes, unicode, duplicate members, deep
 * nesting, content types), list query strings, and cursors of other workspaces. Whatever comes in,
 * the answer is one the contract allows for it, as JSON with a `message`, and never a 500.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
jest.setTimeout(300_000);

let local: Awaited<ReturnType<typeof startInProcessApi>>;
const logs = new LogCapture();
const workspaceId = randomUUID();
const otherWorkspaceId = randomUUID();
let token: string;
let patId: string;

const property = <T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<void>) =>
  fc.assert(fc.asyncProperty(arbitrary, check), { seed: SEED, numRuns: RUNS, endOnFailure: true });

function send(method: string, path: string, options: { body?: string | Buffer; contentType?: string } = {}) {
  return request(local.port, {
    method,
    path,
    headers: {
      authorization: `Bearer ${token}`,
      'x-workspace-id': workspaceId,
      ...(options.contentType !== undefined ? { 'content-type': options.contentType } : {}),
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
}

function assertAnswer(answer: HttpAnswer, allowed: readonly number[], context: string): void {
  const where = `${context} -> ${answer.status} ${answer.body.slice(0, 300)}`;
  if (!allowed.includes(answer.status)) throw new Error(`unexpected status: ${where}`);
  if (answer.status === 204) return;
  let body: { message?: unknown };
  try {
    body = JSON.parse(answer.body);
  } catch {
    throw new Error(`body is not JSON: ${where}`);
  }
  if (answer.status >= 400 && typeof body.message !== 'string')
    throw new Error(`error without a message: ${where}`);
  if (/\bat .+:\d+:\d+\)?|\n\s+at |arn:aws/.test(answer.body))
    throw new Error(`a stack trace or ARN leaked: ${where}`);
}

beforeAll(async () => {
  logs.start();
  // A high limit: the bodies that are valid create PATs, and the fuzzing must not run into 409.
  local = await startInProcessApi({ PAT_MAX_PER_WORKSPACE: '10000' });
  token = local.token({ workspaces: [workspaceId, otherWorkspaceId] });
  const created = await send('POST', '/api/v1/pats', {
    body: '{"name":"fuzzed","scopes":["read"]}',
    contentType: 'application/json',
  });
  patId = created.json<{ data: { id: string } }>().data.id;
});

afterAll(async () => {
  await local?.stop();
  logs.stop();
});

afterEach(() => {
  // Whatever was sent, nothing of a token reached a log line.
  const text = `${logs.text()}\n${local.requestLog.join('\n')}`;
  expect(text).not.toContain(token);
  expect(text).not.toMatch(/pat_[0-9A-Za-z]{93}/);
});

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Bodies of every kind, each written as JSON text, or as something that is not JSON. */
const bodyText = fc.oneof(
  // Close to valid: the fields of a create, each of any type.
  fc
    .record(
      {
        name: fc.oneof(jsonValue, fc.string({ unit: 'grapheme', maxLength: 120 }), fc.constant('  ok  ')),
        scopes: fc.oneof(jsonValue, fc.subarray(['read', 'write', 'admin', 'read']), fc.constant(['read'])),
        expiresAt: fc.oneof(
          jsonValue,
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
          fc.constant(new Date(Date.now() + 86_400_000).toISOString()),
        ),
        extra: jsonValue,
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  jsonValue.map((value) => JSON.stringify(value)),
  // Duplicate members, deep nesting, sizes around the 4 KiB limit, broken JSON, unicode.
  fc.constantFrom(
    '{"name":"a","scopes":["read"],"name":"b"}',
    '{"name":"a","scopes":["read"],"\\u006eame":"b"}',
    `{"name":"a","scopes":${'['.repeat(50)}${']'.repeat(50)}}`,
    `{"name":"${'x'.repeat(4070)}","scopes":["read"]}`,
    `{"name":"${'x'.repeat(5000)}","scopes":["read"]}`,
    '{"name":"\\ud800","scopes":["read"]}',
    '{"name":"🔑 deploy","scopes":["read"]}',
    '{"name":"a\\u0000b","scopes":["read"]}',
    '{"name": ',
    '',
    'null',
  ),
  fc.string({ maxLength: 200 }),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);

describe('fuzzing the requests of the management routes', () => {
  it('answers any create body with 201, 400, 413 or 415, never a 500', async () => {
    await property(fc.tuple(bodyText, contentType), async ([body, type]) => {
      const answer = await send('POST', '/api/v1/pats', {
        body,
        ...(type !== undefined ? { contentType: type } : {}),
      });
      assertAnswer(answer, [201, 400, 413, 415], `create ${type} ${body.slice(0, 120)}`);
      if (answer.status === 201) {
        const { data } = answer.json<{ data: { id: string } }>();
        // Keep the workspace small: what was created is revoked again.
        assertAnswer(await send('DELETE', `/api/v1/pats/${data.id}`), [204], 'revoke of a fuzzed PAT');
      }
    });
  });

  it('answers any rotate body with 201, 400, 413 or 415, never a 500', async () => {
    await property(fc.tuple(bodyText, contentType), async ([body, type]) => {
      const answer = await send('POST', `/api/v1/pats/${patId}/rotate`, {
        body,
        ...(type !== undefined ? { contentType: type } : {}),
      });
      assertAnswer(answer, [201, 400, 413, 415], `rotate ${type} ${body.slice(0, 120)}`);
      if (answer.status === 201) patId = answer.json<{ data: { id: string } }>().data.id;
    });
  });

  it('answers any list query string with 200 or 400, never a 500', async () => {
    const query = fc.oneof(
      fc.dictionary(
        fc.constantFrom('limit', 'cursor', 'offset', 'x', 'LIMIT'),
        fc.string({ maxLength: 40 }),
        { maxKeys: 3 },
      ),
      fc.record({ limit: fc.integer({ min: -5, max: 200 }).map(String) }),
      fc.record({ cursor: fc.base64String({ maxLength: 80 }).map((text) => `v1.${text}`) }),
    );
    await property(query, async (parameters) => {
      const answer = await send('GET', `/api/v1/pats?${new URLSearchParams(parameters)}`);
      assertAnswer(answer, [200, 400], `list ${JSON.stringify(parameters)}`);
    });
  });

  it("refuses any cursor of another workspace, even one naming this workspace's PATs", async () => {
    await property(fc.uuid(), async (id) => {
      for (const cursor of [encodeCursor(otherWorkspaceId, id), encodeCursor(otherWorkspaceId, patId)]) {
        const answer = await send('GET', `/api/v1/pats?cursor=${cursor}`);
        assertAnswer(answer, [400], `cursor ${cursor}`);
        if (answer.json<{ code: string }>().code !== 'invalid_cursor')
          throw new Error(`not invalid_cursor: ${answer.body}`);
      }
    });
  });
});

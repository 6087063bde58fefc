import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { formatPatToken, hashPatToken } from '../../lambda/domain/token-format';
import { signJwt } from '../../local/dev-issuer';
import { type HttpAnswer, request } from '../support/http';
import { startInProcessApi } from '../support/local-api';
import { LogCapture } from '../support/logs';

/**
 * Property-based fuzzing of `GET /api/v1/pats/{id}` on the running local API (gateway imitation +
 * the Lambda handler) over real TCP: ids, paths, headers, Authorization values, claim sets. A
 * fixed seed and a bounded number of runs keep CI deterministic; raise the count with FUZZ_RUNS
 * (and change the seed with FUZZ_SEED) for a deeper search. After every test, nothing secret may
 * have been logged.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
jest.setTimeout(300_000);

const TABLE = 'pats-fuzz-table-7f3a';
const AUDIENCE = 'pats-api';

let local: Awaited<ReturnType<typeof startInProcessApi>>;
let canary: Server;
let canaryHits = 0;
let canaryUrl: string;
const logs = new LogCapture();
const workspaceId = randomUUID();
let patId: string;
let validToken: string;
/** Everything that must never appear in a response or a log line. */
const secrets: string[] = [];
const API = '/api/v1/pats/';

beforeAll(async () => {
  logs.start();
  local = await startInProcessApi({ TABLE_NAME: TABLE });
  validToken = local.token({ workspaces: [workspaceId] });
  const created = await request(local.port, {
    method: 'POST',
    path: '/api/v1/pats',
    headers: { ...Object.fromEntries(ok()), 'content-type': 'application/json' },
    body: '{"name":"fuzzed","scopes":["read"]}',
  });
  const { id, token } = created.json<{ data: { id: string; token: string } }>().data;
  patId = id;
  secrets.push(token, hashPatToken(token));
  canary = createServer((_req, res) => {
    canaryHits += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await local?.stop();
  await new Promise<void>((resolve) => canary.close(() => resolve()));
  logs.stop();
});

afterEach(() => {
  const text = `${logs.text()}\n${local.requestLog.join('\n')}`;
  for (const secret of [...secrets, validToken]) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]+/);
  expect(text).not.toMatch(/bearer\s+\S/i);
  expect(text).not.toMatch(/pat_[A-Za-z0-9]{20,}/);
});

const send = (path: string, headers: ReadonlyArray<readonly [string, string]>) =>
  request(local.port, { path, headers });
const ok = (token = validToken): Array<[string, string]> => [
  ['Authorization', `Bearer ${token}`],
  ['X-Workspace-Id', workspaceId],
];

/** What holds for every answer, whatever the input. */
function assertSafe(answer: HttpAnswer, allowed: readonly number[], context: string): void {
  const where = `${context} -> ${answer.status} ${answer.body.slice(0, 200)}`;
  if (!allowed.includes(answer.status)) throw new Error(`unexpected status: ${where}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    throw new Error(`body is not JSON: ${where}`);
  }
  if (typeof (body as { message?: unknown }).message !== 'string' && answer.status !== 200) {
    throw new Error(`error body without a message: ${where}`);
  }
  const everything = answer.raw;
  for (const secret of [...secrets, validToken]) {
    if (everything.includes(secret)) throw new Error(`a secret or token leaked: ${where}`);
  }
  if (/eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]+/.test(everything)) throw new Error(`a JWT leaked: ${where}`);
  if (/\bat .+:\d+:\d+\)?|\n\s+at /.test(answer.body)) throw new Error(`a stack trace leaked: ${where}`);
  if (/arn:aws/.test(everything)) throw new Error(`an ARN leaked: ${where}`);
  if (everything.includes(TABLE)) throw new Error(`the table name leaked: ${where}`);
}

async function assertStillServing(): Promise<void> {
  const answer = await send(`${API}${patId}`, ok());
  if (answer.status !== 200)
    throw new Error(`a valid request failed after fuzzing: ${answer.status} ${answer.body}`);
}

const property = <T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<void>) =>
  fc.assert(fc.asyncProperty(arbitrary, check), { seed: SEED, numRuns: RUNS, endOnFailure: true });

// ---------------------------------------------------------------------------------------------

const oddSegments = [
  '%2F',
  '..',
  '%2e%2e',
  '%00',
  '\u0000',
  'é',
  '%C3%A9',
  '𝔘',
  '%F0%9D%94%98',
  '%',
  '%zz',
  ' ',
  '%20',
  '{id}',
  '*',
  '?x=1',
  '#frag',
  ';',
  '\\',
  'pat_0123456789abcdefghijklmnopqrstuvwxyzAB',
];

const idArbitrary = fc.oneof(
  fc.constantFrom(...oddSegments),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.uuid().map((uuid) => uuid.toUpperCase()),
  fc
    .tuple(
      fc.constantFrom('', ' ', '%20', '{', 'urn:uuid:', '/'),
      fc.constantFrom('', ' ', '}', '/', '//', '%2F..'),
    )
    .map(([before, after]) => `${before}${patId}${after}`),
  fc.integer({ min: 100, max: 12_000 }).map((length) => 'a'.repeat(length)),
);

describe('fuzzing the running local API', () => {
  it('answers random and adversarial ids with a JSON 200/400/404/431, never leaking anything', async () => {
    await property(idArbitrary, async (id) => {
      const answer = await send(`${API}${id}`, ok());
      // 400 covers both the function's invalid_pat_id and a request line the HTTP parser refuses.
      assertSafe(answer, [200, 400, 404, 431], `id ${JSON.stringify(id).slice(0, 80)}`);
    });
    await assertStillServing();
  });

  it('answers odd paths (double and trailing slashes, prefixes, dot segments) with JSON', async () => {
    const pathArbitrary = fc
      .tuple(
        fc.constantFrom(
          '/api/v1/pats',
          '/api/v1//pats',
          '/api/v1/pats/',
          '//api/v1/pats',
          '/API/v1/pats',
          '/api/v1/./pats',
          '/api/v2/pats',
          '/',
        ),
        fc.constantFrom(
          '',
          '/',
          '//',
          `/${patId}`,
          `/${patId}/`,
          `//${patId}`,
          `/${patId}/..`,
          `/../${patId}`,
        ),
      )
      .map(([prefix, rest]) => `${prefix}${rest}`);
    await property(pathArbitrary, async (path) => {
      const answer = await send(path, ok());
      // Two of these are routes: the PAT itself, and the list.
      const route = path === `${API}${patId}` || path === '/api/v1/pats';
      assertSafe(answer, route ? [200] : [400, 404], `path ${path}`);
    });
    await assertStillServing();
  });

  it('answers random X-Workspace-Id values with a JSON 200/400/403/404', async () => {
    const workspaceArbitrary = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(
        workspaceId.toUpperCase(),
        ` ${workspaceId} `,
        `{${workspaceId}}`,
        `${workspaceId},${workspaceId}`,
        '',
      ),
      fc.uuid(),
    );
    await property(workspaceArbitrary, async (workspace) => {
      const answer = await send(`${API}${patId}`, [
        ['Authorization', `Bearer ${validToken}`],
        ['X-Workspace-Id', workspace.replace(/[\r\n]/g, '')],
      ]);
      assertSafe(answer, [200, 400, 403, 404], `workspace ${JSON.stringify(workspace)}`);
    });
    await assertStillServing();
  });

  it('refuses random Authorization headers (schemes, repeats, truncation, garbage, size) with 401 or 431', async () => {
    const authorizationArbitrary = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Token', 'Bearer:', ''),
          fc.string({ maxLength: 200 }),
        )
        .map(([scheme, rest]) => [`${scheme} ${rest}`.replace(/[\r\n]/g, '')]),
      fc.integer({ min: 1, max: validToken.length - 1 }).map((cut) => [`Bearer ${validToken.slice(0, cut)}`]),
      fc.integer({ min: 0, max: validToken.length - 1 }).map((at) => {
        const flipped = validToken[at] === 'A' ? 'B' : 'A';
        return [`Bearer ${validToken.slice(0, at)}${flipped}${validToken.slice(at + 1)}`];
      }),
      fc.constantFrom(
        [`Bearer ${validToken}`, 'Bearer other'],
        ['Bearer other', `Bearer ${validToken}`],
        [`Bearer ${validToken}`, `Bearer ${validToken}`],
        [`Bearer ${formatPatToken(randomBytes(32), { workspaceId, id: patId })}`],
        [`Bearer ${'x'.repeat(9000)}`],
        [`Bearer ${'x'.repeat(20_000)}`],
      ),
    );
    await property(authorizationArbitrary, async (values) => {
      const answer = await send(`${API}${patId}`, [
        ...values.map((value) => ['Authorization', value] as const),
        ['X-Workspace-Id', workspaceId],
      ]);
      // A single, intact copy of the valid token is the only way to 200; flipping a base64url
      // character can leave the decoded bytes unchanged, so such a token may still be valid.
      const intact = values.length === 1 && values[0] === `Bearer ${validToken}`;
      assertSafe(
        answer,
        intact ? [200] : [200, 400, 401, 431],
        `authorization ${JSON.stringify(values).slice(0, 100)}`,
      );
      if (!intact && answer.status === 200) {
        const token = (values[0] ?? '').slice('Bearer '.length);
        if (values.length !== 1 || !signatureUnchanged(token))
          throw new Error(`accepted ${JSON.stringify(values)}`);
      }
    });
    await assertStillServing();
  });

  it('never fetches keys from a jku, x5u, jwk or x5c named in the token', async () => {
    const key = local.devKey();
    const headerArbitrary = fc.constantFrom(
      { jku: `${canaryUrl}/jwks.json` },
      { x5u: `${canaryUrl}/cert.pem` },
      { jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'canary' }, kid: 'canary' },
      { x5c: ['MIIB'], x5u: `${canaryUrl}/x5u` },
      { jku: `${canaryUrl}/jwks.json`, kid: 'unknown-kid' },
    );
    await property(headerArbitrary, async (extra) => {
      const now = Math.floor(Date.now() / 1000);
      const token = signJwt(
        { alg: 'RS256', typ: 'JWT', kid: key.kid, ...extra },
        {
          iss: local.api.issuer,
          aud: AUDIENCE,
          sub: 'fuzzer',
          iat: now,
          exp: now + 300,
          workspaces: [workspaceId],
        },
        key.privateKey,
      );
      const answer = await send(`${API}${patId}`, ok(token));
      assertSafe(answer, [401], `header ${JSON.stringify(extra)}`);
    });
    expect(canaryHits).toBe(0);
    await assertStillServing();
  });

  it('answers claim sets signed with the right key exactly as the rules say', async () => {
    const key = local.devKey();
    const now = Math.floor(Date.now() / 1000);
    const numberish = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.integer({ min: now - 100_000, max: now - 60 }),
      fc.integer({ min: now + 60, max: now + 100_000 }),
      fc.constant('soon'),
      fc.constant(now + 0.5 + 3600),
      fc.constant(Number.MAX_SAFE_INTEGER),
      fc.constant(-1),
    );
    const claimsArbitrary = fc.record({
      exp: numberish,
      nbf: numberish,
      aud: fc.oneof(
        fc.constant(undefined),
        fc.constant(AUDIENCE),
        fc.constant('other'),
        fc.constant([AUDIENCE, 'other']),
        fc.constant(['other']),
        fc.constant(42),
        fc.constant({ aud: AUDIENCE }),
        fc.constant([AUDIENCE, 7]),
      ),
      client_id: fc.oneof(fc.constant(undefined), fc.constant(AUDIENCE), fc.constant('other')),
      // ID tokens: a token_use other than access, or a claim only ID tokens carry.
      token_use: fc.oneof(fc.constant(undefined), fc.constant('access'), fc.constant('id')),
      idTokenClaim: fc.oneof(
        fc.constant(undefined),
        fc.constant(['nonce', 'n-0S6_WzA2Mj'] as const),
        fc.constant(['at_hash', 'HK6E_P6Dh8Y93mRNtsDB1Q'] as const),
        fc.constant(['c_hash', 'LDktKdoQak3Pk0cnXxCltA'] as const),
      ),
      workspaces: fc.oneof(
        fc.constant([workspaceId]),
        fc.constant(workspaceId),
        fc.constant(`${randomUUID()} ${workspaceId.toUpperCase()}`),
        fc.constant([randomUUID()]),
        fc.constant(42),
        fc.constant({ [workspaceId]: true }),
        fc.constant(null),
        fc
          .integer({ min: 50, max: 400 })
          .map((n) => [...Array.from({ length: n }, () => randomUUID()), workspaceId]),
      ),
    });
    await property(claimsArbitrary, async ({ idTokenClaim, ...claims }) => {
      const payload = Object.fromEntries(
        Object.entries({
          iss: local.api.issuer,
          sub: 'fuzzer',
          iat: now - 5,
          ...claims,
          ...(idTokenClaim !== undefined ? { [idTokenClaim[0]]: idTokenClaim[1] } : {}),
        }).filter(([, v]) => v !== undefined),
      );
      const token = signJwt({ alg: 'RS256', typ: 'JWT', kid: key.kid }, payload, key.privateKey);
      const answer = await send(`${API}${patId}`, ok(token));
      const expected = expectedStatus({ ...claims, idToken: idTokenClaim !== undefined }, token, now);
      assertSafe(answer, expected, `claims ${JSON.stringify(claims).slice(0, 200)}`);
    });
    await assertStillServing();
  });
});

/** The model of the contract's JWT rules for a well-signed token, as a set of acceptable statuses. */
function expectedStatus(
  claims: {
    exp: unknown;
    nbf: unknown;
    aud: unknown;
    client_id: unknown;
    token_use: unknown;
    idToken: boolean;
    workspaces: unknown;
  },
  token: string,
  now: number,
): number[] {
  // Near the gateway's 10 KiB header quota the gateway answers 431 first.
  if (token.length > 9_000) return [401, 431];
  if (token.length > 8 * 1024) return [401];
  // A time claim no Date can hold is malformed, whichever claim it is.
  const isTime = (value: unknown) => typeof value === 'number' && Math.abs(value) <= 8.64e12;
  const expOk = isTime(claims.exp) && (claims.exp as number) > now + 30;
  const nbfOk = claims.nbf === undefined || (isTime(claims.nbf) && (claims.nbf as number) < now - 30);
  const audOk =
    claims.aud === undefined
      ? claims.client_id === AUDIENCE
      : typeof claims.aud === 'string'
        ? claims.aud === AUDIENCE
        : Array.isArray(claims.aud) &&
          claims.aud.every((a) => typeof a === 'string') &&
          claims.aud.includes(AUDIENCE);
  if (!(expOk && nbfOk && audOk)) return [401];
  // The gateway lets ID tokens through when their audience matches; the function refuses them.
  if (claims.idToken || (claims.token_use !== undefined && claims.token_use !== 'access')) return [401];
  const members = Array.isArray(claims.workspaces)
    ? claims.workspaces
    : typeof claims.workspaces === 'string'
      ? claims.workspaces.split(/\s+/)
      : [];
  const granted = members.some(
    (member) => typeof member === 'string' && member.toLowerCase() === workspaceId,
  );
  return granted ? [200] : [403];
}

/** True when a token differs from the valid one only in bits base64url decoding ignores. */
function signatureUnchanged(token: string): boolean {
  const [h1, p1, s1] = validToken.split('.');
  const [h2, p2, s2] = token.split('.');
  const same = (a = '', b = '') => Buffer.from(a, 'base64url').equals(Buffer.from(b, 'base64url'));
  return same(h1, h2) && same(p1, p2) && same(s1, s2);
}

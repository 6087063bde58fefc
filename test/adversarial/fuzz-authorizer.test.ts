import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { hashPatToken } from '../../lambda/domain/token-format';
import { FaultProxy } from '../support/fault-proxy';
import { type Authorize, authorizerHandler, Sink } from '../support/harness';
import { type CreatedPat, type PatApi, startPatApi } from '../support/pat-api';
import { relocated, withTypo } from '../support/tokens';

/**
 * Property-based fuzzing of the credential authorizer's production handler (DynamoDB Local behind
 * a counting proxy, a real issuer): arbitrary Authorization values, and near misses of a real PAT.
 * Whatever comes in, the answer is a deny, never an allow and never a throw (which API Gateway
 * would turn into a 500); a near miss whose checksum fails costs no read; nothing secret is logged.
 * Fixed seed and bounded runs, as the other fuzz suites (FUZZ_RUNS, FUZZ_SEED for more).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40) * 3;
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
jest.setTimeout(300_000);

let api: PatApi;
let proxy: FaultProxy;
let authorize: Authorize;
let pat: CreatedPat;
const sink = new Sink();
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

beforeAll(async () => {
  api = await startPatApi();
  proxy = await FaultProxy.start(api.dynamo.endpoint);
  authorize = authorizerHandler(api.env({ DYNAMODB_ENDPOINT: proxy.endpoint }), { sink });
  pat = await api.create(api.newWorkspace());
  // The real PAT is allowed: every refusal below is about the value, not the set-up.
  expect((await authorize(`Bearer ${pat.token}`)).isAuthorized).toBe(true);
});

afterAll(async () => {
  await proxy.stop();
  await api.stop();
});

afterEach(() => {
  const logged = sink.lines.join('\n');
  expect(logged).not.toContain(pat.token);
  expect(logged).not.toContain(hashPatToken(pat.token));
  expect(logged.toLowerCase()).not.toContain('bearer');
});

const refused = async (authorization: string) => {
  const result = await authorize(authorization);
  return result.isAuthorized === false && Object.keys(result.context).length === 0;
};

it('denies any Authorization value that is not a credential, and never throws', async () => {
  const base62 = (min: number, max: number) =>
    fc.string({ unit: fc.constantFrom(...BASE62), minLength: min, maxLength: max });
  const value = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.string().map((text) => `Bearer ${text}`),
    base62(0, 120).map((text) => `Bearer pat_${text}`),
    base62(93, 93).map((text) => `bearer   pat_${text}`),
    fc.tuple(base62(10, 40), base62(10, 200), base62(10, 80)).map(([a, b, c]) => `Bearer ${a}.${b}.${c}`),
    fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Token ${'a'.repeat(20)}`, 'Bearer pat_'),
  );

  await fc.assert(fc.asyncProperty(value, refused), { seed: SEED, numRuns: RUNS, endOnFailure: true });
});

it('denies every near miss of a real PAT, reading nothing when the checksum fails', async () => {
  const length = pat.token.length;
  const nearMiss = fc.oneof(
    fc
      .tuple(fc.integer({ min: 4, max: length - 1 }), fc.integer({ min: 1, max: 61 }))
      .map(([index, shift]) => ({ token: withTypo(pat.token, index, shift), read: false })),
    fc.integer({ min: 1, max: length - 1 }).map((cut) => ({ token: pat.token.slice(0, cut), read: false })),
    fc.constantFrom(...BASE62).map((extra) => ({ token: `${pat.token}${extra}`, read: false })),
    fc.integer({ min: 4, max: length - 1 }).map((index) => ({
      token: `${pat.token.slice(0, index)}${flipCase(pat.token.charAt(index))}${pat.token.slice(index + 1)}`,
      read: false,
    })),
    fc.constant({ token: `${pat.token.slice(0, -6)}000000`, read: false }),
  );

  await fc.assert(
    fc.asyncProperty(nearMiss, async ({ token, read }) => {
      fc.pre(token !== pat.token);
      const reads = proxy.attemptsOf('GetItem');
      const denied = await refused(`Bearer ${token}`);
      return denied && (read || proxy.attemptsOf('GetItem') === reads);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
});

it("denies the PAT's secret under any other locator, checksum valid: another workspace or PAT", async () => {
  const locator = fc.record({
    workspaceId: fc.oneof(fc.constant(pat.workspaceId), fc.uuid()),
    id: fc.oneof(fc.constant(pat.id), fc.uuid()),
  });

  await fc.assert(
    fc.asyncProperty(locator, async (where) => {
      fc.pre(where.workspaceId !== pat.workspaceId || where.id !== pat.id);
      return refused(`Bearer ${relocated(pat.token, where)}`);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  // A PAT in another workspace, its own secret under this one's locator, is refused too.
  const other = await api.create(api.newWorkspace());
  expect(
    await refused(`Bearer ${relocated(other.token, { workspaceId: pat.workspaceId, id: pat.id })}`),
  ).toBe(true);
  expect(await refused(`Bearer ${relocated(other.token, { workspaceId: randomUUID(), id: other.id })}`)).toBe(
    true,
  );
});

function flipCase(character: string): string {
  const flipped = character === character.toLowerCase() ? character.toUpperCase() : character.toLowerCase();
  // A digit has no case: change it instead, so the token always differs.
  return flipped === character ? String((Number(character) + 1) % 10) : flipped;
}

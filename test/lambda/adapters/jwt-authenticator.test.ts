import { randomUUID } from 'node:crypto';
import type { JwtAuthenticator } from '../../../lambda/adapters/jwt-authenticator';
import { loadConfig } from '../../../lambda/config';
import { FUNCTION_SETTINGS } from '../../../lambda/config/schema';
import { patRouteDependencies } from '../../../lambda/dependencies';
import { ApiError } from '../../../lambda/domain/errors';
import { newTableName } from '../../support/dynamodb';
import { functionEnv } from '../../support/harness';
import { generateKey, TestIssuer } from '../../support/issuer';
import { signHs256, signRsa, unsigned } from '../../support/jwt';

/**
 * The contract's "Verifying the JWT" rules, applied by the authenticator the functions use (built
 * by the production composition root from a production configuration), against a real issuer:
 * discovery document and JWKS over HTTP on 127.0.0.1.
 */
let issuer: TestIssuer;
const workspaceId = randomUUID();

const now = () => Math.floor(Date.now() / 1000);

/** What the request would be answered: 200 for an accepted token, else the error's status and headers. */
interface Verdict {
  readonly statusCode: number;
  readonly code?: string;
  readonly message?: string;
  readonly reason?: unknown;
  readonly dependency?: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

async function call(authenticator: JwtAuthenticator, token: string): Promise<Verdict> {
  try {
    await authenticator.authenticate(`Bearer ${token}`);
    return { statusCode: 200, headers: {} };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return {
      statusCode: error.statusCode,
      code: error.code,
      message: error.message,
      reason: error.logFields().reason,
      dependency: error.logFields().dependency,
      headers: error.headers,
    };
  }
}

function authenticatorFor(extra: Record<string, string> = {}, target: TestIssuer = issuer): JwtAuthenticator {
  const env = functionEnv({ endpoint: 'http://127.0.0.1:1' }, target, newTableName(), extra);
  return patRouteDependencies(loadConfig(FUNCTION_SETTINGS, env)).authenticator as JwtAuthenticator;
}

beforeAll(async () => {
  issuer = await TestIssuer.start();
});

afterAll(async () => {
  await issuer.stop();
});

describe('refused tokens (401 with an invalid_token challenge)', () => {
  let authenticator: JwtAuthenticator;
  // For each test: the authenticator's set-up then counts as run by every test (mutation testing
  // credits code run in beforeAll to no test).
  beforeEach(() => {
    authenticator = authenticatorFor();
  });

  const refusals: Array<[string, () => string, string]> = [
    [
      'an expired token',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], exp: now() - 5 })),
      'expired',
    ],
    [
      'a token not valid yet (nbf)',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], nbf: now() + 60 })),
      'not valid yet',
    ],
    [
      'a token issued in the future (iat)',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], iat: now() + 60 })),
      'future',
    ],
    [
      'a token without exp',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], exp: undefined })),
      'expiry',
    ],
    [
      'a token of another issuer',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], iss: 'https://evil.example.com' })),
      'another issuer',
    ],
    [
      'an issuer differing by a trailing slash',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], iss: `${issuer.url}/` })),
      'another issuer',
    ],
    [
      'a token for another audience',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], aud: 'other-api' })),
      'audience',
    ],
    [
      'a token without aud whose client_id is another audience',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], aud: undefined, client_id: 'other-api' })),
      'audience',
    ],
    [
      'a token with neither aud nor client_id',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], aud: undefined })),
      'audience',
    ],
    [
      'an unsigned token (alg: none)',
      () => unsigned({ kid: issuer.currentKey.kid }, issuer.claims()),
      'well-formed',
    ],
    [
      'alg: none with a signature appended',
      () => `${unsigned({ kid: issuer.currentKey.kid }, issuer.claims({ workspaces: [workspaceId] }))}c2ln`,
      'algorithm',
    ],
    [
      'HS256 signed with the issuer public key',
      () =>
        signHs256(
          { kid: issuer.currentKey.kid, typ: 'JWT' },
          issuer.claims({ workspaces: [workspaceId] }),
          issuer.currentKey.publicKey.export({ format: 'pem', type: 'spki' }),
        ),
      'algorithm',
    ],
    [
      'a token signed by another key under the issuer kid',
      () =>
        signRsa(
          { alg: 'RS256', kid: issuer.currentKey.kid },
          issuer.claims({ workspaces: [workspaceId] }),
          generateKey().privateKey,
        ),
      'signature',
    ],
    [
      'a token with an unknown kid',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId] }), {}, generateKey('unknown-kid')),
      'unknown key',
    ],
    ['a token without kid', () => issuer.sign(issuer.claims(), { kid: undefined }), 'no key'],
    [
      'a crit header',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId] }), { crit: ['exp'] }),
      'header',
    ],
    [
      'a jku header',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId] }), { jku: 'http://127.0.0.1:1/jwks' }),
      'header',
    ],
    [
      'an x5u header',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId] }), { x5u: 'http://127.0.0.1:1/cert' }),
      'header',
    ],
    [
      'an embedded jwk header',
      () =>
        issuer.sign(issuer.claims({ workspaces: [workspaceId] }), {
          jwk: issuer.currentKey.publicKey.export({ format: 'jwk' }),
        }),
      'header',
    ],
    [
      'an ID token (token_use: id)',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], token_use: 'id' })),
      'not an access token',
    ],
    [
      'a typ that is not a string (not an access token)',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId] }), { typ: 7 as unknown as string }),
      'not an access token',
    ],
    [
      'an ID token (typ other than JWT or at+jwt)',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId] }), { typ: 'id_token+jwt' }),
      'not an access token',
    ],
    ...(['nonce', 'at_hash', 'c_hash'] as const).map((claim): [string, () => string, string] => [
      `an ID token recognised by its ${claim} claim (typ JWT, no token_use)`,
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], [claim]: 'abc' }), { typ: 'JWT' }),
      'not an access token',
    ]),
    [
      'a token longer than 8 KiB',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], padding: 'x'.repeat(8 * 1024) })),
      'too long',
    ],
    [
      'an nbf no date can hold (found by fuzzing: was a 500)',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], nbf: Number.MAX_SAFE_INTEGER })),
      'out of range',
    ],
    [
      'an nbf beyond the largest date by one second',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], nbf: -8.64e12 - 1 })),
      'out of range',
    ],
    [
      'an exp no date can hold',
      () => issuer.sign(issuer.claims({ workspaces: [workspaceId], exp: -Number.MAX_SAFE_INTEGER })),
      'out of range',
    ],
    ['a truncated token', () => issuer.token([workspaceId]).slice(0, -10), 'signature'],
  ];

  const REASONS: Array<[string, string]> = [
    ['not valid yet', 'not_yet_valid'],
    ['expired', 'expired'],
    ['future', 'claims'],
    ['expiry', 'claims'],
    ['out of range', 'claims'],
    ['another issuer', 'issuer'],
    ['audience', 'audience'],
    ['well-formed', 'malformed'],
    ['algorithm', 'algorithm'],
    ['signature', 'signature'],
    ['unknown key', 'unknown_key'],
    ['no key', 'unknown_key'],
    ['header', 'header'],
    ['not an access token', 'token_type'],
    ['too long', 'too_long'],
  ];

  it.each(refusals)('refuses %s', async (_, makeToken, description) => {
    const result = await call(authenticator, makeToken());
    const reason = REASONS.find(([phrase]) => description.includes(phrase))?.[1];

    expect(result.reason).toBe(reason);
    expect(result.statusCode).toBe(401);
    expect(result.code).toBe('unauthorized');
    expect(result.headers['www-authenticate']).toMatch(
      /^Bearer realm="pats-api", error="invalid_token", error_description="[^"\\]+"$/,
    );
    expect(result.headers['www-authenticate']?.toLowerCase()).toContain(description.toLowerCase());
    // The body's message is the challenge's description, as a sentence.
    const challenged = /error_description="([^"]+)"/.exec(result.headers['www-authenticate'] ?? '')?.[1];
    expect(result.message).toBe(`${challenged}.`);
  });
});

describe('the Authorization header', () => {
  let authenticator: JwtAuthenticator;
  // For each test: the authenticator's set-up then counts as run by every test (mutation testing
  // credits code run in beforeAll to no test).
  beforeEach(() => {
    authenticator = authenticatorFor();
  });

  async function verdictOf(authorization: string | undefined): Promise<Verdict> {
    try {
      await authenticator.authenticate(authorization);
      return { statusCode: 200, headers: {} };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { statusCode: error.statusCode, reason: error.logFields().reason, headers: error.headers };
    }
  }

  it.each([
    ['absent', undefined, 'missing'],
    ['empty', '', 'missing'],
    ['blank', '  \t ', 'missing'],
    ['of another scheme', 'Basic dXNlcjpwYXNz', 'scheme'],
    ['the scheme alone', 'Bearer', 'scheme'],
  ])(
    'refuses a header %s with a challenge naming no error (no bearer credential was sent)',
    async (_, header, reason) => {
      await expect(verdictOf(header)).resolves.toEqual({
        statusCode: 401,
        reason,
        headers: { 'www-authenticate': 'Bearer realm="pats-api"' },
      });
    },
  );

  it.each([
    [undefined, 'This endpoint needs a bearer token.'],
    ['Basic dXNlcjpwYXNz', 'This endpoint needs an Authorization header of the form "Bearer <JWT>".'],
  ])('tells a caller who sent %p what to send', async (header, message) => {
    await expect(authenticator.authenticate(header)).rejects.toThrow(message);
  });

  it('refuses a PAT: it can never manage PATs', async () => {
    await expect(verdictOf('Bearer pat_AbCd1234')).resolves.toEqual({
      statusCode: 401,
      reason: 'pat',
      headers: {
        'www-authenticate':
          'Bearer realm="pats-api", error="invalid_token", error_description="Personal access tokens are not accepted here"',
      },
    });
  });

  it.each([
    ['the scheme in lower case', (token: string) => `bearer ${token}`],
    ['the scheme in upper case, spaces around the token', (token: string) => `  BEARER   ${token}  `],
  ])('accepts %s', async (_, header) => {
    const token = issuer.sign(issuer.claims({ workspaces: [workspaceId] }));

    await expect(verdictOf(header(token))).resolves.toEqual({ statusCode: 200, headers: {} });
  });
});

/**
 * A valid token of exactly `length` characters: the padding claim sets the length to within a
 * character or two (base64url grows 4 characters per 3 bytes), a second claim of 0 to 3
 * characters closes the gap.
 */
function tokenOfLength(length: number): string {
  const base = issuer.sign(issuer.claims({ workspaces: [workspaceId], padding: '', fill: '' })).length;
  const roughly = Math.floor(((length - base) * 3) / 4) - 4;
  for (let padding = roughly; padding < roughly + 8; padding += 1) {
    for (let fill = 0; fill < 4; fill += 1) {
      const token = issuer.sign(
        issuer.claims({ workspaces: [workspaceId], padding: 'x'.repeat(padding), fill: 'y'.repeat(fill) }),
      );
      if (token.length === length) return token;
    }
  }
  throw new Error(`no token of ${length} characters`);
}

describe('accepted tokens', () => {
  let authenticator: JwtAuthenticator;
  // For each test: the authenticator's set-up then counts as run by every test (mutation testing
  // credits code run in beforeAll to no test).
  beforeEach(() => {
    authenticator = authenticatorFor();
  });

  it.each([
    ['aud as a string', { aud: 'pats-api' }, {}],
    ['aud as an array holding the audience', { aud: ['other-api', 'pats-api'] }, {}],
    [
      'no aud but client_id the audience (Cognito access token)',
      { aud: undefined, client_id: 'pats-api' },
      {},
    ],
    ['token_use: access', { token_use: 'access' }, {}],
    ['nbf at the earliest date a Date can hold', { nbf: -8.64e12 }, {}],
    ['typ at+jwt (RFC 9068)', {}, { typ: 'at+jwt' }],
    ['no typ header', {}, { typ: undefined }],
  ])('accepts %s', async (_, claims, header) => {
    const result = await call(
      authenticator,
      issuer.sign(issuer.claims({ workspaces: [workspaceId], ...claims }), header),
    );

    expect(result.statusCode).toBe(200);
  });

  it('accepts a token of exactly 8 KiB', async () => {
    const token = tokenOfLength(8 * 1024);

    expect(token.length).toBe(8 * 1024);
    expect((await call(authenticator, token)).statusCode).toBe(200);
  });

  it('refuses a token one character longer than 8 KiB before reading it', async () => {
    // Not every length is a valid token (base64url never ends a part on 4k+1 characters): one
    // more character makes it invalid, and the length is what must refuse it.
    const token = `${tokenOfLength(8 * 1024)}A`;

    expect(token.length).toBe(8 * 1024 + 1);
    expect((await call(authenticator, token)).reason).toBe('too_long');
  });

  it('hands over the subject and every claim of the token', async () => {
    const claims = issuer.claims({ workspaces: [workspaceId], sub: 'alice', scope: 'pats' });

    await expect(authenticator.authenticate(`Bearer ${issuer.sign(claims)}`)).resolves.toEqual({
      subject: 'alice',
      claims,
    });
  });

  it('hands over no subject for a token without sub', async () => {
    const claims = issuer.claims({ workspaces: [workspaceId], sub: undefined });

    await expect(authenticator.authenticate(`Bearer ${issuer.sign(claims)}`)).resolves.toMatchObject({
      subject: undefined,
    });
  });

  it('accepts, among several configured audiences, a client_id equal to any one of them', async () => {
    const several = authenticatorFor({ JWT_AUDIENCE: 'other-api,pats-api' });
    const token = issuer.sign(
      issuer.claims({ workspaces: [workspaceId], aud: undefined, client_id: 'pats-api' }),
    );

    expect((await call(several, token)).statusCode).toBe(200);
  });

  it('accepts a token issued at the very second of its clock, and refuses one a second later', async () => {
    const nowMs = (now() + 1) * 1000;
    const env = functionEnv({ endpoint: 'http://127.0.0.1:1' }, issuer, newTableName());
    const atTheSecond = patRouteDependencies(loadConfig(FUNCTION_SETTINGS, env), {
      clock: { now: () => nowMs },
    }).authenticator as JwtAuthenticator;
    const issuedAt = (iat: number) => issuer.sign(issuer.claims({ workspaces: [workspaceId], iat }));

    expect((await call(atTheSecond, issuedAt(nowMs / 1000))).statusCode).toBe(200);
    expect((await call(atTheSecond, issuedAt(nowMs / 1000 + 1))).reason).toBe('claims');
  });

  it('tolerates clock skew up to JWT_LEEWAY_SECONDS, and not beyond', async () => {
    const lenient = authenticatorFor({ JWT_LEEWAY_SECONDS: '30' });

    const slightlyExpired = issuer.sign(issuer.claims({ workspaces: [workspaceId], exp: now() - 10 }));
    const longExpired = issuer.sign(issuer.claims({ workspaces: [workspaceId], exp: now() - 40 }));

    expect((await call(lenient, slightlyExpired)).statusCode).toBe(200);
    expect((await call(lenient, longExpired)).statusCode).toBe(401);
    expect((await call(authenticator, slightlyExpired)).statusCode).toBe(401);
  });
});

describe('keys', () => {
  let own: TestIssuer;
  beforeEach(async () => {
    own = await TestIssuer.start();
  });
  afterEach(async () => {
    await own.stop();
  });

  const tokenOf = (from: TestIssuer) => from.sign(from.claims({ workspaces: [workspaceId] }));

  it('finds the keys through OIDC discovery and fetches them once for many requests', async () => {
    const authenticator = authenticatorFor({}, own);

    for (let i = 0; i < 5; i += 1) expect((await call(authenticator, tokenOf(own))).statusCode).toBe(200);

    expect(own.fetches('/.well-known/openid-configuration')).toBe(1);
    expect(own.fetches()).toBe(1);
  });

  it('uses JWKS_URI without discovery when it is set', async () => {
    const authenticator = authenticatorFor({ JWKS_URI: own.jwksUri }, own);

    expect((await call(authenticator, tokenOf(own))).statusCode).toBe(200);
    expect(own.fetches('/.well-known/openid-configuration')).toBe(0);
  });

  it('fetches no key for a token refused by its header', async () => {
    const authenticator = authenticatorFor({}, own);

    await call(authenticator, unsigned({ kid: 'x' }, own.claims()));
    await call(authenticator, own.sign(own.claims(), { crit: ['b64'] }));

    expect(own.fetches()).toBe(0);
  });

  it('answers 503 with Retry-After while the issuer is unreachable, then 200 once it is back', async () => {
    const authenticator = authenticatorFor(
      { JWKS_FETCH_TIMEOUT_MS: '500', JWKS_FAILURE_CACHE_SECONDS: '1' },
      own,
    );
    const token = tokenOf(own);
    await own.stop();

    const down = await call(authenticator, token);
    await own.restart();
    const remembered = await call(authenticator, token);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const back = await call(authenticator, token);

    expect(down.statusCode).toBe(503);
    expect(down.code).toBe('service_unavailable');
    expect(down.dependency).toBe('jwks');
    expect(down.headers['retry-after']).toBe('1');
    expect(remembered.statusCode).toBe(503);
    expect(back.statusCode).toBe(200);
  });

  it('remembers a failed key fetch: 40 requests during an outage cost the issuer one call', async () => {
    const authenticator = authenticatorFor({ JWKS_URI: own.jwksUri }, own);
    own.failWith = 503;

    const statuses = new Set<number>();
    for (let i = 0; i < 40; i += 1) statuses.add((await call(authenticator, tokenOf(own))).statusCode);

    expect([...statuses]).toEqual([503]);
    expect(own.fetches()).toBe(1);
  });

  it('stops trusting a key replaced under the same kid after the refresh, and trusts its successor', async () => {
    const authenticator = authenticatorFor({ JWKS_MAX_AGE_SECONDS: '1' }, own);
    const signedWithOldKey = tokenOf(own);
    expect((await call(authenticator, signedWithOldKey)).statusCode).toBe(200);

    own.keys = [{ ...generateKey(), kid: own.currentKey.kid }];
    const signedWithNewKey = tokenOf(own);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect((await call(authenticator, signedWithOldKey)).statusCode).toBe(401);
    expect((await call(authenticator, signedWithNewKey)).statusCode).toBe(200);
  });

  it('looks up no key for a token of another issuer, whatever its kid', async () => {
    const authenticator = authenticatorFor({}, own);
    const foreign = await TestIssuer.start();

    for (let i = 0; i < 5; i += 1) {
      const token = foreign.sign(
        foreign.claims({ workspaces: [workspaceId] }),
        {},
        { ...foreign.currentKey, kid: `k${i}` },
      );
      expect((await call(authenticator, token)).statusCode).toBe(401);
    }
    await foreign.stop();

    expect(own.fetches('/.well-known/openid-configuration') + own.fetches()).toBe(0);
    expect(foreign.fetches('/.well-known/openid-configuration') + foreign.fetches()).toBe(0);
  });

  it('answers 503 when the issuer answers with an error page instead of keys', async () => {
    const authenticator = authenticatorFor({ JWKS_URI: own.jwksUri }, own);
    own.failWith = 502;

    const result = await call(authenticator, tokenOf(own));

    expect(result.statusCode).toBe(503);
    expect(result.headers['retry-after']).toBeDefined();
  });

  it('ages the key set by the injected clock, not by the wall clock', async () => {
    let nowMs = Date.now();
    const env = functionEnv({ endpoint: 'http://127.0.0.1:1' }, own, newTableName(), {
      JWKS_MAX_AGE_SECONDS: '600',
    });
    const authenticator = patRouteDependencies(loadConfig(FUNCTION_SETTINGS, env), {
      clock: { now: () => nowMs },
    }).authenticator as JwtAuthenticator;
    const token = tokenOf(own);
    expect((await call(authenticator, token)).statusCode).toBe(200);
    expect((await call(authenticator, token)).statusCode).toBe(200);
    expect(own.fetches()).toBe(1);

    nowMs += 601_000;

    expect((await call(authenticator, token)).statusCode).toBe(200);
    expect(own.fetches()).toBe(2);
  });

  it('picks up a rotated key with one refetch', async () => {
    const authenticator = authenticatorFor({}, own);
    expect((await call(authenticator, tokenOf(own))).statusCode).toBe(200);
    const fetchesBefore = own.fetches();

    own.keys = [generateKey(), ...own.keys];
    const result = await call(authenticator, tokenOf(own));

    expect(result.statusCode).toBe(200);
    expect(own.fetches()).toBe(fetchesBefore + 1);
  });

  it('stops trusting a removed key once the key set is older than JWKS_MAX_AGE_SECONDS', async () => {
    const authenticator = authenticatorFor({ JWKS_MAX_AGE_SECONDS: '1' }, own);
    const signedWithOldKey = tokenOf(own);
    expect((await call(authenticator, signedWithOldKey)).statusCode).toBe(200);

    own.keys = [generateKey()];
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const afterRefresh = await call(authenticator, signedWithOldKey);

    expect(afterRefresh.statusCode).toBe(401);
  });

  it('fetches at most once per 10 s for a flood of unknown kids', async () => {
    const authenticator = authenticatorFor({}, own);
    expect((await call(authenticator, tokenOf(own))).statusCode).toBe(200);
    const fetchesBefore = own.fetches();

    const attacker = generateKey();
    for (let i = 0; i < 20; i += 1) {
      const forged = own.sign(
        own.claims({ workspaces: [workspaceId] }),
        {},
        { ...attacker, kid: `kid-${i}` },
      );
      expect((await call(authenticator, forged)).statusCode).toBe(401);
    }

    expect(own.fetches()).toBe(fetchesBefore + 1);
  });
});

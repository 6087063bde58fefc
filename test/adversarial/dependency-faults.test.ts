import { randomUUID } from 'node:crypto';
import { dynamoDbTimeBudgetMs } from '../../lambda/adapters/dynamodb-client';
import { loadConfig } from '../../lambda/config';
import { DYNAMODB } from '../../lambda/config/schema';
import { TestDynamo } from '../support/dynamodb';
import { FaultProxy } from '../support/fault-proxy';
import { type HttpAnswer, request } from '../support/http';
import { generateKey, TestIssuer } from '../support/issuer';
import { startInProcessApi } from '../support/local-api';

/**
 * Broken dependencies under the running local API (gateway imitation + handler): the issuer's keys
 * unreachable, rotated, withdrawn or flooded with forged key ids, and DynamoDB going away. The
 * service must answer 503 (never 401 or 500) while a dependency is down and recover without a
 * restart.
 */
jest.setTimeout(60_000);

const workspaceId = randomUUID();

async function apiWith(issuer: TestIssuer, env: Record<string, string> = {}) {
  const local = await startInProcessApi({
    JWT_ISSUER: issuer.url,
    JWT_AUDIENCE: issuer.audience,
    JWKS_FETCH_TIMEOUT_MS: '500',
    // Failed key fetches are remembered this long (default 10 s): short, so recovery is quick to see.
    JWKS_FAILURE_CACHE_SECONDS: '1',
    ...env,
  });
  // Created without a request, so that the API's key caches are still cold when a test begins.
  const { id } = await local.createPat(workspaceId);
  const get = (token: string): Promise<HttpAnswer> =>
    request(local.port, {
      path: `/api/v1/pats/${id}`,
      headers: { Authorization: `Bearer ${token}`, 'X-Workspace-Id': workspaceId },
    });
  return { local, get };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the issuer keys', () => {
  let issuer: TestIssuer;
  beforeEach(async () => {
    issuer = await TestIssuer.start();
  });
  afterEach(async () => {
    await issuer.stop();
  });

  it('answers 503 from the authorizer while the issuer is unreachable at cold start, then 200 once it is back', async () => {
    const { local, get } = await apiWith(issuer);
    try {
      const token = issuer.token([workspaceId]);
      await issuer.stop();

      const down = await get(token);
      await issuer.restart();
      await pause(1000);
      const back = await get(token);

      expect(down.status).toBe(503);
      expect(down.json()).toEqual({ message: 'Service Unavailable' });
      expect(back.status).toBe(200);
    } finally {
      await local.stop();
    }
  });

  it('answers the function 503 with Retry-After when only the function cannot fetch the keys', async () => {
    const { local, get } = await apiWith(issuer);
    try {
      // The authorizer accepts a `crit` header and caches the keys; the function refuses the token
      // before looking for keys, so its own cache stays empty.
      const warmsTheGatewayOnly = await get(
        issuer.sign(issuer.claims({ workspaces: [workspaceId] }), { crit: ['exp'] }),
      );
      expect(warmsTheGatewayOnly.json()).toMatchObject({ code: 'unauthorized' });
      await issuer.stop();

      const down = await get(issuer.token([workspaceId]));
      await issuer.restart();
      await pause(1000);
      const back = await get(issuer.token([workspaceId]));

      expect(down.status).toBe(503);
      expect(down.json()).toMatchObject({ code: 'service_unavailable' });
      expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
      expect(back.status).toBe(200);
    } finally {
      await local.stop();
    }
  });

  it('picks up a rotated key with one refetch per cache (authorizer and function)', async () => {
    const { local, get } = await apiWith(issuer);
    try {
      expect((await get(issuer.token([workspaceId]))).status).toBe(200);
      const before = issuer.fetches();

      issuer.keys = [generateKey(), ...issuer.keys];
      const rotated = await get(issuer.token([workspaceId]));

      expect(rotated.status).toBe(200);
      expect(issuer.fetches() - before).toBe(2);
    } finally {
      await local.stop();
    }
  });

  it('40 requests during an issuer outage cost the issuer a handful of calls, and it recovers without a restart', async () => {
    const { local, get } = await apiWith(issuer, { JWKS_FAILURE_CACHE_SECONDS: '5' });
    try {
      const token = issuer.token([workspaceId]);
      issuer.failWith = 503;
      const hitsBefore = [...issuer.hits.values()].reduce((sum, n) => sum + n, 0);

      const statuses = new Set<number>();
      for (let i = 0; i < 40; i += 1) statuses.add((await get(token)).status);
      const calls = [...issuer.hits.values()].reduce((sum, n) => sum + n, 0) - hitsBefore;
      issuer.failWith = undefined;
      await pause(5000);

      expect([...statuses]).toEqual([503]);
      // One discovery per cache (the gateway imitation's and the function's), remembered 5 s.
      expect(calls).toBeLessThanOrEqual(4);
      expect((await get(token)).status).toBe(200);
    } finally {
      await local.stop();
    }
  });

  it('stops accepting a key replaced under the same kid after the refresh, and accepts its successor', async () => {
    const { local, get } = await apiWith(issuer, { JWKS_MAX_AGE_SECONDS: '1' });
    try {
      const signedWithOldKey = issuer.token([workspaceId]);
      expect((await get(signedWithOldKey)).status).toBe(200);

      issuer.keys = [{ ...generateKey(), kid: issuer.currentKey.kid }];
      const signedWithNewKey = issuer.token([workspaceId]);
      await pause(1100);

      expect((await get(signedWithOldKey)).status).toBe(401);
      expect((await get(signedWithNewKey)).status).toBe(200);
    } finally {
      await local.stop();
    }
  });

  it('never fetches keys for tokens of another issuer, whatever their kid', async () => {
    const { local, get } = await apiWith(issuer);
    const foreign = await TestIssuer.start();
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          get(
            foreign.sign(
              foreign.claims({ workspaces: [workspaceId] }),
              {},
              { ...foreign.currentKey, kid: `k${i}` },
            ),
          ),
        ),
      );

      expect(answers.every((answer) => answer.status === 401)).toBe(true);
      expect([...issuer.hits.values(), ...foreign.hits.values()].reduce((sum, n) => sum + n, 0)).toBe(0);
    } finally {
      await foreign.stop();
      await local.stop();
    }
  });

  it('refuses an ID token that the gateway lets through (typ JWT, no token_use, a nonce)', async () => {
    const { local, get } = await apiWith(issuer);
    try {
      const idToken = issuer.sign(
        issuer.claims({
          workspaces: [workspaceId],
          nonce: 'n-0S6_WzA2Mj',
          at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
        }),
        { typ: 'JWT' },
      );

      const answer = await get(idToken);

      expect(answer.status).toBe(401);
      expect(answer.json()).toMatchObject({ code: 'unauthorized' });
    } finally {
      await local.stop();
    }
  });

  it('stops accepting a withdrawn key once the key set is older than JWKS_MAX_AGE_SECONDS', async () => {
    const { local, get } = await apiWith(issuer, { JWKS_MAX_AGE_SECONDS: '1' });
    try {
      const signedWithOldKey = issuer.token([workspaceId]);
      expect((await get(signedWithOldKey)).status).toBe(200);

      issuer.keys = [generateKey()];
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const afterRefresh = await get(signedWithOldKey);

      expect(afterRefresh.status).toBe(401);
    } finally {
      await local.stop();
    }
  });

  it('fetches the key set at most once per cache for a flood of unknown key ids', async () => {
    const { local, get } = await apiWith(issuer);
    try {
      expect((await get(issuer.token([workspaceId]))).status).toBe(200);
      const before = issuer.fetches();
      const attacker = generateKey();

      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          get(
            issuer.sign(
              issuer.claims({ workspaces: [workspaceId] }),
              {},
              { ...attacker, kid: `forged-${i}` },
            ),
          ),
        ),
      );

      expect(answers.every((answer) => answer.status === 401)).toBe(true);
      // One refetch by the authorizer's cache; the function never sees a token the authorizer refused.
      expect(issuer.fetches() - before).toBeLessThanOrEqual(2);
      expect((await get(issuer.token([workspaceId]))).status).toBe(200);
    } finally {
      await local.stop();
    }
  });
});

describe('DynamoDB', () => {
  it('answers 503 with Retry-After within the time budget while the store is gone, then 200 without a restart', async () => {
    const dynamo = await TestDynamo.start();
    const proxy = await FaultProxy.start(dynamo.endpoint);
    const issuer = await TestIssuer.start();
    const settings = {
      DYNAMODB_MAX_ATTEMPTS: '3',
      DYNAMODB_CONNECT_TIMEOUT_MS: '200',
      DYNAMODB_REQUEST_TIMEOUT_MS: '300',
    };
    const { local, get } = await apiWith(issuer, { DYNAMODB_ENDPOINT: proxy.endpoint, ...settings });
    try {
      const budget = dynamoDbTimeBudgetMs(loadConfig({ dynamoDb: DYNAMODB }, settings).dynamoDb);
      expect((await get(issuer.token([workspaceId]))).status).toBe(200);

      await proxy.stop();
      const startedAt = Date.now();
      const down = await get(issuer.token([workspaceId]));
      const elapsed = Date.now() - startedAt;
      proxy.inject('hang');
      await proxy.restart();
      const hung = await get(issuer.token([workspaceId]));
      proxy.clear();
      const back = await get(issuer.token([workspaceId]));

      expect(down.status).toBe(503);
      expect(down.json()).toMatchObject({ code: 'service_unavailable' });
      expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
      expect(elapsed).toBeLessThanOrEqual(budget);
      expect(hung.status).toBe(503);
      expect(back.status).toBe(200);
    } finally {
      await local.stop();
      await proxy.stop();
      await Promise.all([dynamo.stop(), issuer.stop()]);
    }
  });
});

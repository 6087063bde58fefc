import { randomUUID } from 'node:crypto';
import { dynamoDbTimeBudgetMs, loadConfig } from '../../lambda/config';
import { localDocumentClient } from '../../local/embedded-store';
import { createPat } from '../../local/pat-admin';
import { TestDynamo } from '../support/dynalite';
import { FaultProxy } from '../support/fault-proxy';
import { generateKey, TestIssuer } from '../support/issuer';
import { startInProcessApi } from '../support/local-api';
import { getRequest, type RawAnswer, rawRequest } from '../support/raw-http';

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
    ...env,
  });
  const client = localDocumentClient(local.api.dynamoDbEndpoint);
  const { record } = await createPat(client, local.config.tableName, {
    workspaceId,
    name: 'faults',
    scopes: ['read'],
  });
  client.destroy();
  const get = (token: string): Promise<RawAnswer> =>
    rawRequest(
      local.port,
      getRequest(`/api/v1/pats/${record.id}`, [
        ['Authorization', `Bearer ${token}`],
        ['X-Workspace-Id', workspaceId],
      ]),
    );
  return { local, get };
}

const json = (answer: RawAnswer) => JSON.parse(answer.body) as Record<string, unknown>;

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
      const back = await get(token);

      expect(down.status).toBe(503);
      expect(json(down)).toEqual({ message: 'Service Unavailable' });
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
      expect(json(warmsTheGatewayOnly)).toMatchObject({ code: 'unauthorized' });
      await issuer.stop();

      const down = await get(issuer.token([workspaceId]));
      await issuer.restart();
      const back = await get(issuer.token([workspaceId]));

      expect(down.status).toBe(503);
      expect(json(down)).toMatchObject({ code: 'service_unavailable' });
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
      const budget = dynamoDbTimeBudgetMs(
        loadConfig({ TABLE_NAME: 't', JWT_ISSUER: issuer.url, JWT_AUDIENCE: 'a', ...settings }).dynamoDb,
      );
      expect((await get(issuer.token([workspaceId]))).status).toBe(200);

      await proxy.stop();
      const startedAt = Date.now();
      const down = await get(issuer.token([workspaceId]));
      const elapsed = Date.now() - startedAt;
      proxy.mode = 'hang';
      await proxy.restart();
      const hung = await get(issuer.token([workspaceId]));
      proxy.mode = 'pass';
      const back = await get(issuer.token([workspaceId]));

      expect(down.status).toBe(503);
      expect(json(down)).toMatchObject({ code: 'service_unavailable' });
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

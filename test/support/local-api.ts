import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patRouteDependencies } from '../../lambda/dependencies';
import { createPat } from '../../lambda/domain/create-pat';
import type { CreatedPatView } from '../../lambda/domain/pat';
import { loadOrCreateDevKey } from '../../local/dev-issuer';
import { devToken } from '../../local/dev-token';
import { loadLocalConfig } from '../../local/local-config';
import { type RunningLocalApi, startLocalApi } from '../../local/server';
import { auditTableOf, newTableName } from './dynamodb';

const silent = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setContext: () => undefined,
};

/**
 * The local API of `npm start`, started in this process (so its logs can be captured) on free
 * ports, against a table of its own in the run's DynamoDB Local (unless DYNAMODB_ENDPOINT is
 * given), with the dev issuer unless JWT_ISSUER is given. Everything else is the real thing,
 * reached over real HTTP.
 */
export async function startInProcessApi(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pats-api-'));
  const tableName = env.TABLE_NAME ?? newTableName();
  const config = loadLocalConfig({
    PORT: '0',
    DYNAMODB_PORT: '0',
    DEV_ISSUER_PORT: '0',
    EVENT_BUS_PORT: '0',
    LOCAL_DATA_DIR: dataDir,
    LOCAL_IN_MEMORY: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    DYNAMODB_ENDPOINT: process.env.TEST_DYNAMODB_ENDPOINT ?? '',
    TABLE_NAME: tableName,
    AUDIT_TABLE_NAME: auditTableOf(tableName),
    ...env,
  });
  const requestLog: string[] = [];
  const api: RunningLocalApi = await startLocalApi(config, (line) => requestLog.push(line));
  const port = Number(new URL(api.url).port);
  return {
    api,
    config,
    port,
    requestLog,
    /** A dev-issuer token (only without JWT_ISSUER). */
    token(claims: { sub?: string; workspaces: unknown; ttlSeconds?: number }) {
      return devToken(loadOrCreateDevKey(dataDir), {
        issuer: api.issuer,
        audience: config.functions.jwt.audiences[0] ?? '',
        subject: claims.sub ?? 'fuzzer',
        workspaces: claims.workspaces as string[],
        ttlSeconds: claims.ttlSeconds ?? 600,
      });
    },
    devKey: () => loadOrCreateDevKey(dataDir),
    /**
     * Creates a PAT through the create use case and the API's own repository, without a request:
     * nothing is verified, so no key is fetched and the API's key caches stay cold.
     */
    async createPat(workspaceId: string, expiresAt?: string): Promise<CreatedPatView> {
      const deps = patRouteDependencies(api.functionConfig, { logger: silent });
      // The use case takes any expiry (the API's one-hour minimum is the request's rule).
      const request = { name: 'seeded', scopes: ['read'], expiresAt };
      return (await createPat({ workspaceId, subject: 'seeder', request }, deps)).view;
    },
    async stop() {
      await api.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

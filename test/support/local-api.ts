import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevKey } from '../../local/dev-issuer';
import { devToken } from '../../local/dev-token';
import { loadLocalConfig } from '../../local/local-config';
import { type RunningLocalApi, startLocalApi } from '../../local/server';
import { newTableName } from './dynamodb';

/**
 * The local API of `npm start`, started in this process (so its logs can be captured) on free
 * ports, against a table of its own in the run's DynamoDB Local (unless DYNAMODB_ENDPOINT is
 * given), with the dev issuer unless JWT_ISSUER is given. Everything else is the real thing,
 * reached over real HTTP.
 */
export async function startInProcessApi(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pats-api-'));
  const config = loadLocalConfig({
    PORT: '0',
    DYNAMODB_PORT: '0',
    DEV_ISSUER_PORT: '0',
    LOCAL_DATA_DIR: dataDir,
    LOCAL_IN_MEMORY: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    DYNAMODB_ENDPOINT: process.env.TEST_DYNAMODB_ENDPOINT ?? '',
    TABLE_NAME: newTableName(),
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
        audience: config.audience,
        subject: claims.sub ?? 'fuzzer',
        workspaces: claims.workspaces as string[],
        ttlSeconds: claims.ttlSeconds ?? 600,
      });
    },
    devKey: () => loadOrCreateDevKey(dataDir),
    async stop() {
      await api.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

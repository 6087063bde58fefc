import { writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { JsonLogger } from '../../lambda/adapters/json-logger';
import { loadConfig } from '../../lambda/config';
import { FUNCTION_SETTINGS, MANAGEMENT_SETTINGS } from '../../lambda/config/schema';
import { environmentOf } from '../../lambda/config/setting';
import { patRouteDependencies } from '../../lambda/dependencies';
import { createPat } from '../../lambda/domain/create-pat';
import { FUNCTIONS, ROUTES, routeKey, routeNamed, routeScopes } from '../../lib/routes';
import { authorizerEvent, localDynamoDbClient } from '../../local/aws-payloads';
import { DevIssuer, generateSigningKey } from '../../local/dev-issuer';
import { ensureTables } from '../../local/embedded-store';
import { repeatableSample, type SampleWorld, sampleEvent } from '../../local/sample-events';
import { startDynamoDbLocal } from '../../local/store/dynamodb-local';
import { OUT } from './bundles';

export const BENCH_TABLE = 'pats';
export const BENCH_AUDIT_TABLE = 'pats-audit';

/**
 * What the functions run against in the benchmarks: DynamoDB Local behind a TCP pass-through that
 * counts the connections clients open, an issuer on loopback, a workspace with some PATs, and each
 * function's cold-start event (a route's first sample that can be repeated) written to disk.
 */
export async function startBenchBackends() {
  const dynamoDbLocal = await startDynamoDbLocal({ port: 0 });
  const counter = { connections: 0 };
  const sockets = new Set<Socket>();
  const proxy = createServer((socket) => {
    counter.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const upstream = connect(dynamoDbLocal.port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const issuer = await DevIssuer.start({ keys: [generateSigningKey()], publicHost: '127.0.0.1' });
  const admin = localDynamoDbClient(endpoint);
  await ensureTables(admin, { pats: BENCH_TABLE, audit: BENCH_AUDIT_TABLE });

  const workspaceId = '0b0b0b0b-0000-4000-8000-000000000001';
  const env: Record<string, string> = {
    ...environmentOf(FUNCTION_SETTINGS, {
      table: { name: BENCH_TABLE },
      audit: { tableName: BENCH_AUDIT_TABLE },
      jwt: { issuer: issuer.url, audiences: ['pats-api'] },
      dynamoDb: { endpoint, region: 'us-east-1' },
      patPolicy: { maxPerWorkspace: 10_000 },
      // As the stack sets it: without it the authorizer denies every route (deny by default).
      authorizer: { routeScopes: routeScopes(ROUTES) },
    }),
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // What the SDK-floor fixture reads.
    BENCH_DYNAMODB_ENDPOINT: endpoint,
    BENCH_TABLE_NAME: BENCH_TABLE,
    BENCH_WORKSPACE_ID: workspaceId,
  };
  const deps = patRouteDependencies(loadConfig(MANAGEMENT_SETTINGS, env), {
    logger: new JsonLogger({ serviceName: 'bench', level: 'SILENT' }),
  });
  const seeded = [];
  for (let i = 0; i < 25; i += 1) {
    const request = { name: `bench ${i}`, scopes: ['read'], expiresAt: undefined };
    seeded.push((await createPat({ workspaceId, subject: 'bench', request }, deps)).view);
  }
  const [pat] = seeded;
  if (pat === undefined) throw new Error('no PAT seeded');
  env.BENCH_PAT_ID = pat.id;
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuer.url,
    aud: 'pats-api',
    sub: 'bench',
    iat: now,
    exp: now + 3600,
    workspaces: [workspaceId],
  };
  const missing = '0b0b0b0b-0000-7000-8000-0000000000ff';
  const world: SampleWorld = {
    workspaceId,
    otherWorkspaceId: '0b0b0b0b-0000-4000-8000-000000000002',
    patIds: { demo: pat.id, missing, revocable: missing, rotatable: missing },
    token: issuer.sign(claims),
    claims,
    patContext: {
      tokenType: 'pat',
      subject: 'bench',
      workspaceId,
      patId: pat.id,
      name: pat.name,
      expiresAt: pat.expiresAt ?? '',
      scopes: pat.scopes.join(' '),
    },
    patToken: pat.token,
  };

  /** What API Gateway sends the credential authorizer for `GET /api/v1/whoami` with a credential. */
  const authorizerEventOf = (token: string) => {
    const whoami = routeNamed('whoami');
    return authorizerEvent({
      routeKey: routeKey(whoami),
      rawPath: whoami.path,
      headers: { authorization: `Bearer ${token}` },
      requestId: 'bench-authorizer',
    });
  };
  /** Each function's cold-start event and the status its first invocation answers. */
  const coldEvents = new Map(
    FUNCTIONS.map((fn) => {
      const route = ROUTES.find((candidate) => candidate.name === fn.name);
      if (route === undefined) return [fn.name, write(fn.name, authorizerEventOf(pat.token), 200)] as const;
      const sample = repeatableSample(route);
      return [fn.name, write(fn.name, sampleEvent(route, sample, world), sample.status)] as const;
    }),
  );

  return {
    env,
    endpoint,
    issuer,
    claims,
    world,
    seeded,
    coldEvents,
    authorizerEventOf,
    counter,
    stop: async () => {
      admin.destroy();
      await issuer.stop();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await dynamoDbLocal.close();
    },
  };
}

export type BenchBackends = Awaited<ReturnType<typeof startBenchBackends>>;

function write(name: string, event: unknown, status: number) {
  const file = join(OUT, `event-${name}.json`);
  writeFileSync(file, JSON.stringify(event));
  return { file, status };
}

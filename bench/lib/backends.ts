import { writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { JsonLogger } from '../../lambda/adapters/json-logger';
import { loadConfig } from '../../lambda/config';
import { patRouteDependencies } from '../../lambda/dependencies';
import { createPat } from '../../lambda/domain/create-pat';
import { type RouteName, routeKey, routeNamed } from '../../lib/routes';
import {
  authorizerEvent,
  httpApiEvent,
  jwtAuthorizerContext,
  localDynamoDbClient,
} from '../../local/aws-payloads';
import { DevIssuer, generateSigningKey } from '../../local/dev-issuer';
import { ensurePatsTable } from '../../local/embedded-store';
import { startDynamoDbLocal } from '../../local/store/dynamodb-local';
import { OUT } from './bundles';

export const TABLE_NAME = 'pats';

/**
 * What the functions run against in the benchmarks: DynamoDB Local behind a TCP pass-through that
 * counts the connections clients open, an issuer on loopback, a workspace with some PATs, and a
 * sample event per route written to disk for the cold starts.
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
  await ensurePatsTable(admin, TABLE_NAME);

  const env: Record<string, string> = {
    TABLE_NAME,
    JWT_ISSUER: issuer.url,
    JWT_AUDIENCE: 'pats-api',
    DYNAMODB_ENDPOINT: endpoint,
    PAT_MAX_PER_WORKSPACE: '10000',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const workspaceId = '0b0b0b0b-0000-4000-8000-000000000001';
  const deps = patRouteDependencies(loadConfig(env), {
    logger: new JsonLogger({ serviceName: 'bench', level: 'SILENT' }),
  });
  const seeded = [];
  for (let i = 0; i < 25; i += 1) {
    const request = { name: `bench ${i}`, scopes: ['read'], expiresAt: undefined };
    seeded.push((await createPat({ workspaceId, subject: 'bench', request }, deps)).view);
  }
  const patId = seeded[0]?.id ?? '';
  // What the SDK-floor fixture reads.
  Object.assign(env, { BENCH_WORKSPACE_ID: workspaceId, BENCH_PAT_ID: patId });
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuer.url,
    aud: 'pats-api',
    sub: 'bench',
    iat: now,
    exp: now + 3600,
    workspaces: [workspaceId],
  };
  const token = issuer.sign(claims);

  /** An event of a route as API Gateway would send it for this workspace. */
  const eventOf = (name: RouteName, options: { id?: string; body?: unknown; query?: string } = {}) => {
    const route = routeNamed(name);
    const rawPath = route.path.replace('{id}', options.id ?? patId);
    return httpApiEvent({
      method: route.method,
      routeKey: `${route.method} ${route.path}`,
      rawPath,
      rawQueryString: options.query ?? '',
      headers: {
        authorization: `Bearer ${token}`,
        'x-workspace-id': workspaceId,
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(route.path.includes('{id}') ? { pathParameters: { id: options.id ?? patId } } : {}),
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      jwtAuthorizer: jwtAuthorizerContext(claims),
      requestId: `bench-${name}`,
    });
  };
  const patToken = seeded[0]?.token ?? '';
  const whoami = routeNamed('whoami');
  /** What API Gateway sends the credential authorizer for `GET /api/v1/whoami` with a PAT. */
  const authorizerEventOf = (token: string) =>
    authorizerEvent({
      routeKey: routeKey(whoami),
      rawPath: whoami.path,
      headers: { authorization: `Bearer ${token}` },
      requestId: 'bench-authorizer',
    });
  const missing = '0b0b0b0b-0000-7000-8000-0000000000ff';
  /** Each route's cold-start event and the status its first invocation answers. */
  const coldEvents: Record<RouteName, { file: string; status: number }> = {
    getPat: write('getPat', eventOf('getPat'), 200),
    listPats: write('listPats', eventOf('listPats', { query: 'limit=20' }), 200),
    createPat: write('createPat', eventOf('createPat', { body: { name: 'cold', scopes: ['read'] } }), 201),
    // Revoking or rotating the same PAT twice cannot answer 201/204 twice: these take the whole
    // path up to the transaction, and answer 404 for a PAT that does not exist.
    revokePat: write('revokePat', eventOf('revokePat', { id: missing }), 404),
    rotatePat: write('rotatePat', eventOf('rotatePat', { id: missing }), 404),
    whoami: write(
      'whoami',
      httpApiEvent({
        method: 'GET',
        routeKey: routeKey(whoami),
        rawPath: whoami.path,
        headers: { authorization: `Bearer ${patToken}` },
        lambdaAuthorizer: { tokenType: 'user', subject: 'bench', workspaces: workspaceId },
        requestId: 'bench-whoami',
      }),
      200,
    ),
  };
  /** The credential authorizer's cold start: a PAT read from the table, checked and allowed. */
  const authorizerColdEvent = write('authorizer', authorizerEventOf(patToken), 200);

  return {
    env,
    endpoint,
    issuer,
    claims,
    workspaceId,
    patId,
    seeded,
    eventOf,
    coldEvents,
    patToken,
    authorizerEventOf,
    authorizerColdEvent,
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

function write(name: string, event: unknown, status: number) {
  const file = join(OUT, `event-${name}.json`);
  writeFileSync(file, JSON.stringify(event));
  return { file, status };
}

import { verify as cryptoVerify, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient as DocumentClient,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambda/adapters/dynamodb-client';
import { JsonLogger } from '../../lambda/adapters/json-logger';
import { jwtAuthenticatorFor } from '../../lambda/adapters/jwt-authenticator';
import { countUp, getPat, listPats, putNewPat, setExactCount } from '../../lambda/adapters/pat-commands';
import { DynamoDbPatRepository } from '../../lambda/adapters/pat-repository';
import { CREDENTIAL_PROJECTION, READABLE_PAT_PROJECTION } from '../../lambda/adapters/pats-table-schema';
import { authorizerDependencies } from '../../lambda/authorizer/dependencies';
import { createAuthorizerHandler } from '../../lambda/authorizer/handler';
import { loadConfig } from '../../lambda/config';
import { FUNCTION_SETTINGS } from '../../lambda/config/schema';
import { environmentOf } from '../../lambda/config/setting';
import { patRouteDependencies } from '../../lambda/dependencies';
import type { NewPatItem } from '../../lambda/domain/pat';
import { handlerFor } from '../../lambda/http/pipeline';
import { routeNamed } from '../../lib/routes';
import { lambdaContext } from '../../local/aws-payloads';
import { DevIssuer } from '../../local/dev-issuer';
import { sampleEvent } from '../../local/sample-events';
import { BENCH_TABLE, type BenchBackends } from './backends';
import { cpuPer, quietly } from './stats';
import { warmPair } from './warm';

class CountingIssuer extends DevIssuer {
  readonly hits = { discovery: 0, jwks: 0 };

  static async begin(keys: DevIssuer['keys']): Promise<CountingIssuer> {
    const issuer = new CountingIssuer({ keys, publicHost: '127.0.0.1' });
    await issuer.listen(0);
    return issuer;
  }

  protected override handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.url?.includes('openid-configuration')) this.hits.discovery += 1;
    if (req.url?.includes('jwks.json')) this.hits.jwks += 1;
    super.handle(req, res);
  }
}

/** A fresh context per invocation, as Lambda gives: its remaining time counts from now. */
const context = () => lambdaContext({ functionName: 'bench' });

/**
 * Warm invocations of the production handlers against the raw DynamoDB call each makes, sent
 * through the same document client with the repository's own command inputs, interleaved.
 */
export async function warmCases(backends: BenchBackends, n: number) {
  const config = loadConfig(FUNCTION_SETTINGS, backends.env);
  const client = createDocumentClient(config.dynamoDb);
  // The handlers' log lines are built as in production and kept, not printed: a failing
  // invocation's error line is reported.
  const errorLines: string[] = [];
  const silent = new JsonLogger({
    serviceName: 'pats-api',
    write: (line) => {
      if (line.includes('"level":"ERROR"') && errorLines.length < 5) errorLines.push(line);
    },
  });
  const deps = patRouteDependencies(config, {
    logger: silent,
    repository: new DynamoDbPatRepository({ client, tableName: BENCH_TABLE, audit: config.audit }),
  });
  const { world } = backends;
  const key = { workspaceId: world.workspaceId, id: world.patIds.demo };
  const measured = await quietly(async () => {
    const get = handlerFor(routeNamed('getPat'), deps);
    const getEvent = sampleEvent(routeNamed('getPat'), { status: 200, pat: 'demo' }, world);
    const getPair = await warmPair(
      n,
      () => get(getEvent, context()),
      200,
      () => client.send(new GetCommand(getPat(BENCH_TABLE, key, READABLE_PAT_PROJECTION))),
      () => {
        backends.counter.connections = 0;
      },
    );
    const newConnections = backends.counter.connections;
    const list = handlerFor(routeNamed('listPats'), deps);
    const listEvent = sampleEvent(routeNamed('listPats'), { status: 200, query: { limit: '20' } }, world);
    const listPair = await warmPair(
      n,
      () => list(listEvent, context()),
      200,
      () => client.send(new QueryCommand(listPats(BENCH_TABLE, world.workspaceId, 20))),
    );
    // Creates go after the list, so the list keeps its size.
    const create = handlerFor(routeNamed('createPat'), deps);
    const createEvent = sampleEvent(
      routeNamed('createPat'),
      { status: 201, body: { name: 'warm', scopes: ['read'] } },
      world,
    );
    const rawWorkspace = randomUUID();
    // The repository's first write to a workspace takes an exact count; the baseline starts counted.
    await client.send(new UpdateCommand(setExactCount(BENCH_TABLE, rawWorkspace, 0, undefined)));
    const [sample] = backends.seeded;
    const item = (): NewPatItem => ({
      workspaceId: rawWorkspace,
      id: randomUUID(),
      name: 'warm',
      scopes: ['read'],
      tokenPrefix: sample?.tokenPrefix ?? 'pat_',
      tokenHash: 'f'.repeat(64),
      createdAt: new Date().toISOString(),
      expiresAt: sample?.expiresAt ?? new Date().toISOString(),
    });
    const createPair = await warmPair(
      n,
      () => create(createEvent, context()),
      201,
      () =>
        client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: countUp(BENCH_TABLE, rawWorkspace, 10_000) },
              { Put: putNewPat(BENCH_TABLE, item()) },
            ],
            ClientRequestToken: randomUUID(),
          }),
        ),
    );
    // The credential authorizer with a PAT: parse, one GetItem with the hash, compare, expiry.
    // lastUsedAt is written on the first use (warm-up) and not again within its interval.
    const authorize = createAuthorizerHandler(authorizerDependencies(config, { logger: silent }));
    const authorizerEvent = backends.authorizerEventOf(world.patToken ?? '');
    const authorizerPair = await warmPair(
      n,
      async () => ({ statusCode: (await authorize(authorizerEvent, context())).isAuthorized ? 200 : 403 }),
      200,
      () => client.send(new GetCommand(getPat(BENCH_TABLE, key, CREDENTIAL_PROJECTION))),
    );
    return { get: getPair, list: listPair, create: createPair, authorizer: authorizerPair, newConnections };
  });
  client.destroy();
  return { ...measured, errorLines };
}

/** CPU per invocation of the GET handler and of its raw GetItem, with the SDK's transport stubbed. */
export async function cpuCases(backends: BenchBackends, n: number) {
  const config = loadConfig(FUNCTION_SETTINGS, backends.env);
  const { world } = backends;
  const key = { workspaceId: world.workspaceId, id: world.patIds.demo };
  const itemJson = JSON.stringify({
    Item: {
      workspaceId: { S: key.workspaceId },
      id: { S: key.id },
      name: { S: 'bench' },
      scopes: { L: [{ S: 'read' }] },
      tokenPrefix: { S: 'pat_AbCd1234' },
      createdAt: { S: '2026-01-01T00:00:00.000Z' },
    },
  });
  const stubClient: DynamoDBDocumentClient = DocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: backends.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      requestHandler: {
        handle: async () => ({
          response: {
            statusCode: 200,
            reason: 'OK',
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from(itemJson)]),
          },
        }),
        updateHttpClientConfig: () => undefined,
        httpHandlerConfigs: () => ({}),
      } as never,
    }),
  );
  const stubbed = handlerFor(
    routeNamed('getPat'),
    patRouteDependencies(config, {
      logger: new JsonLogger({ serviceName: 'pats-api', write: () => undefined }),
      repository: new DynamoDbPatRepository({
        client: stubClient,
        tableName: BENCH_TABLE,
        audit: config.audit,
      }),
    }),
  );
  const event = sampleEvent(routeNamed('getPat'), { status: 200, pat: 'demo' }, world);
  const cpu = await quietly(async () => ({
    handler: await cpuPer(() => stubbed(event, context()), n),
    raw: await cpuPer(
      () => stubClient.send(new GetCommand(getPat(BENCH_TABLE, key, READABLE_PAT_PROJECTION))),
      n,
    ),
  }));
  stubClient.destroy();
  return cpu;
}

/** JWT verification with warm keys against a raw signature check, and the key fetches one process makes. */
export async function jwtCases(backends: BenchBackends, n: number) {
  // A second issuer with the same keys, so this process's own fetches can be counted.
  const counting = await CountingIssuer.begin(backends.issuer.keys);
  const config = loadConfig(FUNCTION_SETTINGS, {
    ...backends.env,
    ...environmentOf(FUNCTION_SETTINGS, { jwt: { issuer: counting.url } }),
  });
  const authenticator = jwtAuthenticatorFor(config, { now: () => Date.now() });
  const token = counting.sign({ ...backends.claims, iss: counting.url });
  const [header = '', payload = '', signature = ''] = token.split('.');
  const publicKey = backends.issuer.currentKey.publicKey;
  const jwt = {
    verify: await cpuPer(() => authenticator.authenticate(`Bearer ${token}`), n),
    raw: await cpuPer(async () => {
      const input = Buffer.from(`${header}.${payload}`);
      if (!cryptoVerify('RSA-SHA256', input, publicKey, Buffer.from(signature, 'base64url')))
        throw new Error('bad signature');
    }, n),
    hits: counting.hits,
  };
  await counting.stop();
  return jwt;
}

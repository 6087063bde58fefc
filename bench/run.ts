/**
 * `npm run bench`: bundle size and cold init of every route's function, warm latency of read, list
 * and create, and the cost of JWT verification, each measured side by side with its baseline in
 * this one run, and written to docs/performance.md (between the bench markers). Loopback only; it
 * stops by itself.
 *
 *   BENCH_RUNS      cold starts per variant (default 60)
 *   BENCH_WARM      warm invocations per side (default 2000)
 */
import { verify as cryptoVerify, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { Stack } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { createDocumentClient } from '../lambda/adapters/dynamodb-client';
import { JsonLogger } from '../lambda/adapters/json-logger';
import { JwtAuthenticator } from '../lambda/adapters/jwt-authenticator';
import { DynamoDbPatRepository } from '../lambda/adapters/pat-repository';
import {
  CREDENTIAL_PROJECTION,
  READABLE_PAT_PROJECTION,
  WORKSPACE_COUNTER,
} from '../lambda/adapters/pats-table-schema';
import { createAuthorizerHandler } from '../lambda/authorizer/handler';
import { loadConfig } from '../lambda/config';
import { authorizerDependencies, patRouteDependencies } from '../lambda/dependencies';
import { handlerFor } from '../lambda/http/routes';
import type { PatRouteDependencies } from '../lambda/http/routes/pat-routes';
import { BUNDLE_SETTINGS } from '../lib/bundling';
import { buildPatsApiApp } from '../lib/pats-api-app';
import { AUTHORIZER, ROUTES, type RouteName, routeNamed, routeScopes } from '../lib/routes';
import { lambdaContext } from '../local/aws-payloads';
import { DevIssuer } from '../local/dev-issuer';
import { startBenchBackends, TABLE_NAME } from './lib/backends';
import { bytesFrom, cdkAssets, esbuildVariant, OUT, ROOT, SDK_INPUTS, type Variant } from './lib/bundles';
import { type ColdCase, coldStarts, pairedRatio } from './lib/cold';
import { cpuPer, kb, ms, quietly, ratio } from './lib/stats';
import { warmPair } from './lib/warm';

/** The chosen build's esbuild aliases but one: a lever row measures what that one alias buys. */
const aliasesWithout = (module: keyof typeof BUNDLE_SETTINGS.alias) =>
  Object.fromEntries(Object.entries(BUNDLE_SETTINGS.alias).filter(([name]) => name !== module));

const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const WARM = Number(process.env.BENCH_WARM ?? 2000);
const GET_ENTRY = join(ROOT, 'lambda', 'handlers', 'get-pat.ts');
const log = (line: string) => process.stderr.write(`${line}\n`);
const capitalized = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/** Every function of the stack: its construct id, its name in the report, its handler module. */
const FUNCTIONS = [
  ...ROUTES.map((route) => ({
    id: capitalized(route.name),
    name: route.name as string,
    what: `${route.method} ${route.path}`,
    entry: route.entry as string,
  })),
  { id: 'AuthorizerHandler', name: 'authorizer', what: 'credential authorizer', entry: AUTHORIZER.entry },
];

async function buildBundles() {
  const assets = cdkAssets('chosen', (app) => buildPatsApiApp(app));
  const functions = FUNCTIONS.map(({ id, name, what }) => {
    const file = [...assets].find(([logicalId]) => logicalId.startsWith(`${id}Function`))?.[1];
    if (file === undefined) throw new Error(`no asset for ${name}`);
    return { name, what, variant: { name, what, file } as Variant };
  });
  const metafiles = new Map(
    await Promise.all(
      FUNCTIONS.map(
        async ({ name, entry }) =>
          [
            name,
            (
              await esbuildVariant(
                `${name}-meta`,
                'metafile',
                join(ROOT, 'lambda', 'handlers', `${entry}.ts`),
              )
            ).metafile,
          ] as const,
      ),
    ),
  );
  const defaultsAssets = cdkAssets('nodejs-defaults', (app) => {
    const stack = new Stack(app, 'Defaults');
    new NodejsFunction(stack, 'Fn', {
      entry: GET_ENTRY,
      runtime: Runtime.NODEJS_24_X,
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
    });
    return stack;
  });
  const defaults: Variant = {
    name: 'nodejs-defaults',
    what: 'GET /api/v1/pats/{id} with NodejsFunction defaults (CJS, SDK external from node_modules, not minified)',
    file: [...defaultsAssets.values()][0] ?? '',
  };
  const fixture = (file: string) => join(__dirname, 'fixtures', file);
  const floor = await esbuildVariant(
    'sdk-floor',
    'DynamoDBClient + GetItemCommand only, same settings',
    fixture('sdk-floor.ts'),
  );
  const floorFullChain = await esbuildVariant(
    'sdk-floor-full-chain',
    'the floor with the SDK default credential chain',
    fixture('sdk-floor.ts'),
    { alias: {} },
  );
  const empty = await esbuildVariant('empty', 'an empty handler', fixture('empty-handler.ts'));
  const levers: Variant[] = [
    await esbuildVariant('full-credential-chain', 'lever: keep the SDK default credential chain', GET_ENTRY, {
      alias: aliasesWithout('@aws-sdk/credential-provider-node'),
    }),
    await esbuildVariant('eager-web-streams', "lever: Middy's node:stream/web import kept", GET_ENTRY, {
      alias: aliasesWithout('node:stream/web'),
    }),
    await esbuildVariant(
      'main-fields-default',
      "lever: esbuild's default mainFields (main before module)",
      GET_ENTRY,
      {
        mainFields: ['main', 'module'],
      },
    ),
    await esbuildVariant('cjs', 'lever: CommonJS instead of ESM', GET_ENTRY, { format: 'cjs' }),
    await esbuildVariant('not-minified', 'lever: not minified', GET_ENTRY, { minify: false }),
    await esbuildVariant(
      'sourcemap-enabled',
      'lever: source map + --enable-source-maps',
      GET_ENTRY,
      { sourcemap: true },
      '--enable-source-maps',
    ),
    await esbuildVariant('sourcemap-unused', 'lever: source map, flag off', GET_ENTRY, { sourcemap: true }),
  ];
  return { functions, metafiles, defaults, floor, floorFullChain, empty, levers };
}

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

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });

  log('building bundles…');
  const bundles = await buildBundles();
  log('starting DynamoDB Local and a loopback issuer…');
  const backends = await startBenchBackends();

  log(`cold starts: ${RUNS} per variant, interleaved…`);
  const getEvent = backends.coldEvents.getPat;
  const coldEventOf = (name: string) =>
    name === 'authorizer' ? backends.authorizerColdEvent : backends.coldEvents[name as RouteName];
  const cases: ColdCase[] = [
    ...bundles.functions.map(({ name, variant }) => ({
      variant,
      eventFile: coldEventOf(name).file,
      status: coldEventOf(name).status,
    })),
    { variant: bundles.floor, eventFile: getEvent.file },
    { variant: bundles.floorFullChain, eventFile: getEvent.file },
    { variant: bundles.empty, eventFile: getEvent.file },
    { variant: bundles.defaults, eventFile: getEvent.file, status: 200 },
    ...bundles.levers.map((variant) => ({ variant, eventFile: getEvent.file, status: 200 })),
  ];
  const cold = await coldStarts(cases, RUNS, backends.env);
  const loadOf = (variant: Variant) => cold.get(variant.name)?.load.median ?? Number.NaN;
  const loadRatio = (a: Variant, b: Variant) => pairedRatio(cold.get(a.name), cold.get(b.name));

  log(`warm: ${WARM} invocations per side, interleaved…`);
  const config = loadConfig(backends.env);
  const client = createDocumentClient(config.dynamoDb);
  // The handlers' log lines are built as in production and kept, not printed: a failing
  // invocation's error line is reported below.
  const errorLines: string[] = [];
  const silent = new JsonLogger({
    serviceName: 'pats-api',
    write: (line) => {
      if (line.includes('"level":"ERROR"') && errorLines.length < 5) errorLines.push(line);
    },
  });
  const deps: PatRouteDependencies = patRouteDependencies(config, {
    logger: silent,
    repository: new DynamoDbPatRepository({ client, tableName: TABLE_NAME }),
  });
  const handlerOf = (name: RouteName) =>
    handlerFor(routeNamed(name).entry, deps) as unknown as (
      event: unknown,
      context: unknown,
    ) => Promise<{ statusCode: number }>;
  // A fresh context per invocation, as Lambda gives: its remaining time counts from now, and
  // Middy answers early when it runs out.
  const context = () => lambdaContext({ functionName: 'bench' });
  const key = { workspaceId: backends.workspaceId, id: backends.patId };
  const warm = await quietly(async () => {
    const get = handlerOf('getPat');
    const getEventObject = backends.eventOf('getPat');
    const getPair = await warmPair(
      WARM,
      () => get(getEventObject, context()),
      200,
      () =>
        client.send(
          new GetCommand({
            TableName: TABLE_NAME,
            Key: key,
            ConsistentRead: true,
            ...READABLE_PAT_PROJECTION,
          }),
        ),
      () => {
        backends.counter.connections = 0;
      },
    );
    const newConnections = backends.counter.connections;
    const list = handlerOf('listPats');
    const listEvent = backends.eventOf('listPats', { query: 'limit=20' });
    const listPair = await warmPair(
      WARM,
      () => list(listEvent, context()),
      200,
      () =>
        client.send(
          new QueryCommand({
            TableName: TABLE_NAME,
            KeyConditionExpression: '#w = :w',
            ExpressionAttributeNames: {
              '#w': 'workspaceId',
              ...READABLE_PAT_PROJECTION.ExpressionAttributeNames,
            },
            ExpressionAttributeValues: { ':w': backends.workspaceId },
            ProjectionExpression: READABLE_PAT_PROJECTION.ProjectionExpression,
            ScanIndexForward: false,
            ConsistentRead: true,
            Limit: 21,
          }),
        ),
    );
    // Creates go after the list, so the list keeps its size. The baseline is the same transaction
    // the repository sends: the PAT, and the workspace counter that keeps the limit exact.
    const create = handlerOf('createPat');
    const createEvent = backends.eventOf('createPat', { body: { name: 'warm', scopes: ['read'] } });
    const sample = backends.seeded[0];
    const rawWorkspace = randomUUID();
    const createPair = await warmPair(
      WARM,
      () => create(createEvent, context()),
      201,
      () =>
        client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: TABLE_NAME,
                  Key: { workspaceId: rawWorkspace, id: WORKSPACE_COUNTER.id },
                  UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one',
                  ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
                  ExpressionAttributeNames: { '#count': WORKSPACE_COUNTER.countAttribute },
                  ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': 10_000 },
                },
              },
              {
                Put: {
                  TableName: TABLE_NAME,
                  Item: {
                    ...sample,
                    token: undefined,
                    workspaceId: rawWorkspace,
                    id: randomUUID(),
                    tokenHash: 'f'.repeat(64),
                  },
                  ConditionExpression: 'attribute_not_exists(id)',
                },
              },
            ],
          }),
        ),
    );
    // The credential authorizer with a PAT: parse, one GetItem with the hash, compare, expiry.
    // lastUsedAt is written on the first use (warm-up) and not again within its interval.
    const authorize = createAuthorizerHandler(
      authorizerDependencies(
        loadConfig({ ...backends.env, ROUTE_SCOPES: JSON.stringify(routeScopes(ROUTES)) }),
        {
          logger: silent,
          credentials: new DynamoDbPatRepository({ client, tableName: TABLE_NAME }),
        },
      ),
    );
    const authorizerEvent = backends.authorizerEventOf(backends.patToken);
    const authorizerPair = await warmPair(
      WARM,
      async () => ({ statusCode: (await authorize(authorizerEvent, context())).isAuthorized ? 200 : 403 }),
      200,
      () =>
        client.send(
          new GetCommand({ TableName: TABLE_NAME, Key: key, ConsistentRead: true, ...CREDENTIAL_PROJECTION }),
        ),
    );
    return { get: getPair, list: listPair, create: createPair, authorizer: authorizerPair, newConnections };
  });

  log('CPU with the SDK transport stubbed…');
  const itemJson = JSON.stringify({
    Item: {
      workspaceId: { S: backends.workspaceId },
      id: { S: backends.patId },
      name: { S: 'bench' },
      scopes: { L: [{ S: 'read' }] },
      tokenPrefix: { S: 'pat_AbCd1234' },
      createdAt: { S: '2026-01-01T00:00:00.000Z' },
    },
  });
  const stubClient = DynamoDBDocumentClient.from(
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
    'get-pat',
    patRouteDependencies(config, {
      logger: silent,
      repository: new DynamoDbPatRepository({ client: stubClient, tableName: TABLE_NAME }),
    }),
  ) as unknown as (event: unknown, context: unknown) => Promise<unknown>;
  const stubEvent = backends.eventOf('getPat');
  const cpu = await quietly(async () => ({
    handler: await cpuPer(() => stubbed(stubEvent, context()), WARM),
    raw: await cpuPer(
      () => stubClient.send(new GetCommand({ TableName: TABLE_NAME, Key: key, ConsistentRead: true })),
      WARM,
    ),
  }));

  log('JWT verification…');
  // A second issuer with the same keys, so this process's own fetches can be counted.
  const counting = await CountingIssuer.begin(backends.issuer.keys);
  const authenticator = new JwtAuthenticator({
    issuer: counting.url,
    audiences: ['pats-api'],
    urlPolicy: { runtime: 'local' },
  });
  const countingToken = counting.sign({ ...backends.claims, iss: counting.url });
  const [headerB64 = '', payloadB64 = '', signatureB64 = ''] = countingToken.split('.');
  const publicKey = backends.issuer.currentKey.publicKey;
  const jwt = {
    verify: await cpuPer(() => authenticator.authenticate(`Bearer ${countingToken}`), WARM),
    raw: await cpuPer(async () => {
      const input = Buffer.from(`${headerB64}.${payloadB64}`);
      if (!cryptoVerify('RSA-SHA256', input, publicKey, Buffer.from(signatureB64, 'base64url')))
        throw new Error('bad signature');
    }, WARM),
    hits: counting.hits,
  };

  for (const line of errorLines) log(`error logged during the warm runs: ${line}`);
  await counting.stop();
  client.destroy();
  stubClient.destroy();
  await backends.stop();

  const report = render({ bundles, cold, loadOf, loadRatio, warm, cpu, jwt });
  process.stdout.write(`${report.text}\n`);
  const doc = join(ROOT, 'docs', 'performance.md');
  const current = existsSync(doc) ? readFileSync(doc, 'utf8') : '<!-- bench:start -->\n<!-- bench:end -->\n';
  writeFileSync(
    doc,
    current.replace(
      /<!-- bench:start -->[\s\S]*<!-- bench:end -->/,
      `<!-- bench:start -->\n${report.text}\n<!-- bench:end -->`,
    ),
  );
  log(`wrote ${doc}`);
  if (report.missed.length > 0) log(`targets missed: ${report.missed.join('; ')}`);
}

type Bundles = Awaited<ReturnType<typeof buildBundles>>;

function render(input: {
  bundles: Bundles;
  cold: Awaited<ReturnType<typeof coldStarts>>;
  loadOf: (variant: Variant) => number;
  loadRatio: (a: Variant, b: Variant) => number;
  warm: {
    get: Awaited<ReturnType<typeof warmPair>>;
    list: Awaited<ReturnType<typeof warmPair>>;
    create: Awaited<ReturnType<typeof warmPair>>;
    authorizer: Awaited<ReturnType<typeof warmPair>>;
    newConnections: number;
  };
  cpu: { handler: number; raw: number };
  jwt: { verify: number; raw: number; hits: { discovery: number; jwks: number } };
}) {
  const { bundles, cold, loadOf, loadRatio, warm, cpu, jwt } = input;
  const times = (value: number) => `${value.toFixed(2)}x`;
  const bytes = (variant: Variant) => statSync(variant.file).size;
  const gzip = (variant: Variant) => gzipSync(readFileSync(variant.file)).length;
  const floorBytes = bytes(bundles.floor);
  const floorLoad = loadOf(bundles.floor);
  const getVariant = bundles.functions.find(({ name }) => name === 'getPat')?.variant as Variant;
  const targets: Array<readonly [string, boolean, string]> = [
    ...bundles.functions.map(
      ({ name, variant }) =>
        [
          `${name}: bundle <= SDK floor + 80 KB`,
          bytes(variant) <= floorBytes + 80_000,
          `${kb(bytes(variant))} vs ${kb(floorBytes)} + 80 KB`,
        ] as const,
    ),
    ...bundles.functions.map(
      ({ name, variant }) =>
        [
          `${name}: load <= 1.2x SDK floor`,
          loadRatio(variant, bundles.floor) <= 1.2,
          times(loadRatio(variant, bundles.floor)),
        ] as const,
    ),
    [
      'getPat: load <= 0.6x NodejsFunction defaults',
      loadRatio(getVariant, bundles.defaults) <= 0.6,
      times(loadRatio(getVariant, bundles.defaults)),
    ],
    ...(
      [
        ['getPat', 'GetItem', warm.get],
        ['listPats', 'Query', warm.list],
        ['createPat', 'TransactWriteItems', warm.create],
        ['authorizer (PAT)', 'GetItem', warm.authorizer],
      ] as const
    ).map(
      ([name, op, pair]) =>
        [
          `${name}: warm median <= raw ${op} + 1 ms`,
          pair.handler.median <= pair.raw.median + 1,
          `${ms(pair.handler.median)} vs ${ms(pair.raw.median)}`,
        ] as const,
    ),
    [
      'No new TCP connection after the first request',
      warm.newConnections === 0,
      `${warm.newConnections} new during ${2 * WARM} requests`,
    ],
    [
      'One JWKS fetch per process',
      jwt.hits.jwks === 1,
      `${jwt.hits.jwks} JWKS, ${jwt.hits.discovery} discovery`,
    ],
  ];
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB), Node.js ${process.version}, ${RUNS} cold starts per variant, ${WARM} warm invocations per side.`,
    '',
    '### Targets',
    '',
    '| target | met | figure |',
    '|---|---|---|',
    ...targets.map(([name, met, figure]) => `| ${name} | ${met ? 'yes' : '**no**'} | ${figure} |`),
    '',
    '### Bundles (as CDK builds them)',
    '',
    '| function | minified | gzipped | AWS SDK | Middy | aws-jwt-verify | this project | load median | first median | load vs floor |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...bundles.functions.map(({ name, what, variant }) => {
      const meta = bundles.metafiles.get(name);
      const result = cold.get(variant.name);
      return `| ${what} | ${kb(bytes(variant))} | ${kb(gzip(variant))} | ${kb(bytesFrom(meta, SDK_INPUTS))} | ${kb(bytesFrom(meta, /node_modules\/@middy\//))} | ${kb(bytesFrom(meta, /node_modules\/aws-jwt-verify\//))} | ${kb(bytesFrom(meta, /^(lambda|lib)\//))} | ${ms(result?.load.median ?? Number.NaN)} | ${ms(result?.first.median ?? Number.NaN)} | ${times(loadRatio(variant, bundles.floor))} |`;
    }),
    `| SDK floor (DynamoDBClient + GetItemCommand) | ${kb(floorBytes)} | ${kb(gzip(bundles.floor))} | | | | | ${ms(floorLoad)} | | 1.00x |`,
    `| SDK floor with the default credential chain | ${kb(bytes(bundles.floorFullChain))} | ${kb(gzip(bundles.floorFullChain))} | | | | | ${ms(loadOf(bundles.floorFullChain))} | | ${times(loadRatio(bundles.floorFullChain, bundles.floor))} |`,
    `| an empty handler | ${kb(bytes(bundles.empty))} | | | | | | ${ms(loadOf(bundles.empty))} | | ${times(loadRatio(bundles.empty, bundles.floor))} |`,
    '',
    "Load = import of the bundle in a fresh Node.js process (the runtime's init); ratios are medians of round-by-round ratios (each round loads every variant once, so both sides of a ratio ran seconds apart); first = load + first invocation, which includes OIDC discovery and one JWKS fetch from an issuer on loopback (add two round trips to your issuer in AWS). The first invocation of create writes a PAT (201); revoke and rotate take their whole path up to the transaction for a PAT that does not exist (404); the authorizer reads and allows a PAT (and writes its lastUsedAt); whoami answers from a JWT's context.",
    '',
    '### Levers (GET /api/v1/pats/{id}, one setting changed from the chosen build)',
    '',
    '| lever | minified size | vs chosen | load median | vs chosen |',
    '|---|---|---|---|---|',
    ...[bundles.floorFullChain, bundles.defaults, ...bundles.levers].map(
      (variant) =>
        `| ${variant.what} | ${kb(bytes(variant))} | ${ratio(bytes(variant), bytes(getVariant))} | ${ms(loadOf(variant))} | ${times(loadRatio(variant, getVariant))} |`,
    ),
    '',
    '### Warm (same process, same document client, DynamoDB Local on loopback, interleaved)',
    '',
    '| | median | p99 | mean | difference of medians |',
    '|---|---|---|---|---|',
    ...(
      [
        ['GET /api/v1/pats/{id} handler', 'raw GetItem (same projection)', warm.get],
        ['GET /api/v1/pats handler (page of 20)', 'raw Query (21 items)', warm.list],
        ['POST /api/v1/pats handler', 'raw TransactWriteItems (counter + PAT)', warm.create],
        ['credential authorizer, a PAT', 'raw GetItem (with the hash)', warm.authorizer],
      ] as const
    ).flatMap(([handler, raw, pair]) => [
      `| ${handler} | ${ms(pair.handler.median)} | ${ms(pair.handler.p99)} | ${ms(pair.handler.mean)} | ${ms(pair.handler.median - pair.raw.median)} |`,
      `| ${raw} | ${ms(pair.raw.median)} | ${ms(pair.raw.p99)} | ${ms(pair.raw.mean)} | |`,
    ]),
    '',
    `Failed invocations: ${[warm.get, warm.list, warm.create, warm.authorizer]
      .map((pair) => `${pair.failures}${pair.failures > 0 ? ` (${JSON.stringify(pair.unexpected)})` : ''}`)
      .join(
        ', ',
      )} (get, list, create, authorizer). New TCP connections to DynamoDB after warm-up: ${warm.newConnections}.`,
    '',
    '### CPU per invocation, SDK transport stubbed (no network)',
    '',
    '| | CPU | ratio |',
    '|---|---|---|',
    `| GET /api/v1/pats/{id} handler | ${ms(cpu.handler)} | ${ratio(cpu.handler, cpu.raw)} |`,
    `| raw GetItem (SDK serialization, middleware, parsing) | ${ms(cpu.raw)} | 1.00x |`,
    '',
    '### JWT',
    '',
    '| | CPU per token | ratio |',
    '|---|---|---|',
    `| JwtAuthenticator.authenticate (header checks, aws-jwt-verify, claim rules) | ${ms(jwt.verify)} | ${ratio(jwt.verify, jwt.raw)} |`,
    `| raw crypto.verify RSA-SHA256 of the same token | ${ms(jwt.raw)} | 1.00x |`,
    '',
    `Key fetches by one process over ${WARM + 200} verifications: ${jwt.hits.discovery} discovery document, ${jwt.hits.jwks} JWKS.`,
  ];
  return { text: lines.join('\n'), missed: targets.filter(([, met]) => !met).map(([name]) => name) };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});

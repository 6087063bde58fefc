import { readFileSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import { bytesFrom, SDK_INPUTS, type Variant } from './bundles';
import type { coldStarts } from './cold';
import { kb, ms, ratio } from './stats';
import type { Variants } from './variants';
import type { warmPair } from './warm';

/** The Markdown block of docs/performance.md, and the targets missed. */
export function render(input: {
  bundles: Variants;
  runs: number;
  warmRuns: number;
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
  const { bundles, cold, loadOf, loadRatio, warm, cpu, jwt, runs: RUNS, warmRuns: WARM } = input;
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

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { AUTHORIZER_FUNCTION } from '../../lambda/authorizer/definition';
import {
  BUNDLE_SETTINGS,
  CREDENTIALS_SHIM,
  esbuildOptions,
  nodejsBundling,
  WEB_STREAMS_SHIM,
} from '../../lib/bundling';
import { entryOf, FUNCTIONS, ROUTES } from '../../lib/routes';

/**
 * The bundle-size budget of docs/performance.md, for every function (each route's and the
 * credential authorizer's). Bytes are
 * deterministic for a given lockfile, so unlike timings they can be a test.
 */
const ROOT = join(__dirname, '..', '..');
const BUDGET_BYTES = 400_000;
const OVER_FLOOR_BYTES = 80_000;

let dir: string;
const built: Record<string, { bytes: number; metafile: Metafile }> = {};

async function bundle(name: string, entry: string) {
  const outfile = join(dir, `${name}.mjs`);
  const result = await build(esbuildOptions(entry, outfile));
  built[name] = { bytes: statSync(outfile).size, metafile: result.metafile as Metafile };
}

const entries = FUNCTIONS.map(entryOf);
/** The functions that read only the credential authorizer's context; every other one calls AWS. */
const contextOnly = ROUTES.filter((route) => route.authorizer === 'credential');
const withoutSdk = contextOnly.map(entryOf);
const withSdk = FUNCTIONS.filter((fn) => !contextOnly.some((route) => route.name === fn.name)).map(entryOf);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bundle-'));
  await Promise.all([
    ...entries.map((entry) => bundle(entry, join(ROOT, 'lambda', 'handlers', `${entry}.ts`))),
    bundle('floor', join(ROOT, 'bench', 'fixtures', 'sdk-floor.ts')),
  ]);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inputs = (name: string) =>
  Object.keys(Object.values(built[name]?.metafile.outputs ?? {})[0]?.inputs ?? {});

describe.each(entries)('the %s function', (entry) => {
  it(`stays within ${BUDGET_BYTES} bytes`, () => {
    expect(built[entry]?.bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it(`stays within ${OVER_FLOOR_BYTES} bytes of the SDK floor (DynamoDBClient + GetItemCommand)`, () => {
    expect((built[entry]?.bytes ?? Number.POSITIVE_INFINITY) - (built.floor?.bytes ?? 0)).toBeLessThanOrEqual(
      OVER_FLOOR_BYTES,
    );
  });

  it("bundles only its own route's module (a function that is no route: none)", () => {
    const routeModules = new Set(ROUTES.map((route) => `lambda/routes/${entryOf(route)}.ts`));
    const routeFiles = inputs(entry).filter((input) => routeModules.has(input));
    const isRoute = ROUTES.some((route) => entryOf(route) === entry);

    expect(routeFiles).toEqual(isRoute ? [`lambda/routes/${entry}.ts`] : []);
  });
});

describe.each(withSdk)('the %s function, which calls AWS', (entry) => {
  it('bundles only the environment credential provider', () => {
    const providers = inputs(entry).filter((input) =>
      /credential-provider|nested-clients|token-providers/.test(input),
    );

    expect(providers.every((input) => input.includes('credential-provider-env'))).toBe(true);
    expect(inputs(entry)).toEqual(expect.arrayContaining([expect.stringContaining('lambda-credentials.ts')]));
  });
});

/**
 * The Node.js built-in modules a bundle loads at init, read in a fresh process (the runtime's init),
 * with the configuration a deployed function gets.
 */
function builtinsLoadedBy(entry: string): string[] {
  const script = `const before = new Set(process.moduleLoadList);
await import(${JSON.stringify(pathToFileURL(join(dir, `${entry}.mjs`)).href)});
console.log(JSON.stringify(process.moduleLoadList.filter((name) => !before.has(name))));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      TABLE_NAME: 'pats',
      AUDIT_TABLE_NAME: 'pats-audit',
      JWT_ISSUER: 'https://issuer.example.com',
      JWT_AUDIENCE: 'pats-api',
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'pats-api',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    encoding: 'utf8',
  });
  return JSON.parse(output);
}

describe.each(ROUTES.map(entryOf))('the %s function, which runs on Middy', (entry) => {
  it("loads without Node's web streams, which Middy imports only for streamed responses", () => {
    expect(inputs(entry)).toEqual(expect.arrayContaining([expect.stringContaining('@middy/core')]));
    expect(builtinsLoadedBy(entry).filter((name) => name.includes('webstreams'))).toEqual([]);
  });
});

it('keeps Middy out of the credential authorizer, which answers API Gateway directly', () => {
  expect(inputs(entryOf(AUTHORIZER_FUNCTION)).filter((input) => input.includes('@middy'))).toEqual([]);
});

describe.each(withoutSdk)('the %s function, which reads only the authorizer context', (entry) => {
  it('bundles no AWS SDK and no JWT library', () => {
    expect(inputs(entry).filter((input) => /@aws-sdk|@smithy|aws-jwt-verify/.test(input))).toEqual([]);
  });
});

it('gives CDK the same settings the budget is measured with', () => {
  const cdk = nodejsBundling();

  expect(cdk).toMatchObject({
    minify: BUNDLE_SETTINGS.minify,
    sourceMap: false,
    mainFields: ['module', 'main'],
    bundleAwsSDK: true,
    banner: BUNDLE_SETTINGS.banner,
    esbuildArgs: {
      '--alias:@aws-sdk/credential-provider-node': CREDENTIALS_SHIM,
      '--alias:node:stream/web': WEB_STREAMS_SHIM,
    },
  });
});

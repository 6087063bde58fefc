import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_SETTINGS, CREDENTIALS_SHIM, esbuildOptions, nodejsBundling } from '../../lib/bundling';

/**
 * The bundle-size budget of docs/performance.md. Bytes are deterministic for a given lockfile, so
 * unlike timings they can be a test.
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

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bundle-'));
  await bundle('function', join(ROOT, 'lambda', 'handlers', 'get-pat.ts'));
  await bundle('floor', join(ROOT, 'bench', 'fixtures', 'sdk-floor.ts'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inputs = (name: string) =>
  Object.keys(Object.values(built[name]?.metafile.outputs ?? {})[0]?.inputs ?? {});

it(`keeps the function bundle within ${BUDGET_BYTES} bytes`, () => {
  expect(built.function?.bytes).toBeLessThanOrEqual(BUDGET_BYTES);
});

it(`keeps the function within ${OVER_FLOOR_BYTES} bytes of the SDK floor (DynamoDBClient + GetItemCommand)`, () => {
  expect((built.function?.bytes ?? Number.POSITIVE_INFINITY) - (built.floor?.bytes ?? 0)).toBeLessThanOrEqual(
    OVER_FLOOR_BYTES,
  );
});

it('bundles only the environment credential provider', () => {
  const providers = inputs('function').filter((input) =>
    /credential-provider|nested-clients|token-providers/.test(input),
  );

  expect(providers.every((input) => input.includes('credential-provider-env'))).toBe(true);
  expect(inputs('function')).toEqual(
    expect.arrayContaining([expect.stringContaining('lambda-credentials.ts')]),
  );
});

it('gives CDK the same settings the budget is measured with', () => {
  const cdk = nodejsBundling();

  expect(cdk).toMatchObject({
    minify: BUNDLE_SETTINGS.minify,
    sourceMap: false,
    mainFields: ['module', 'main'],
    bundleAwsSDK: true,
    banner: BUNDLE_SETTINGS.banner,
    esbuildArgs: { '--alias:@aws-sdk/credential-provider-node': CREDENTIALS_SHIM },
  });
});

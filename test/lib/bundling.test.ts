import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_SETTINGS, CREDENTIALS_SHIM, esbuildOptions, nodejsBundling } from '../../lib/bundling';
import { ROUTES } from '../../lib/routes';

/**
 * The bundle-size budget of docs/performance.md, for every route's function. Bytes are
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

const entries = ROUTES.map((route) => route.entry);

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

  it('bundles only the environment credential provider', () => {
    const providers = inputs(entry).filter((input) =>
      /credential-provider|nested-clients|token-providers/.test(input),
    );

    expect(providers.every((input) => input.includes('credential-provider-env'))).toBe(true);
    expect(inputs(entry)).toEqual(expect.arrayContaining([expect.stringContaining('lambda-credentials.ts')]));
  });

  it("bundles only its own route's binding", () => {
    const routeFiles = inputs(entry).filter(
      (input) => input.includes('lambda/http/routes/') && !input.endsWith('pat-routes.ts'),
    );

    expect(routeFiles).toEqual([`lambda/http/routes/${entry}.ts`]);
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
    esbuildArgs: { '--alias:@aws-sdk/credential-provider-node': CREDENTIALS_SHIM },
  });
});

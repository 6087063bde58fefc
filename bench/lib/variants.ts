import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BUNDLE_SETTINGS } from '../../lib/bundling';
import { buildPatsApiApp } from '../../lib/pats-api-app';
import { constructIdOf, entryOf, FUNCTIONS, ROUTES } from '../../lib/routes';
import { cdkAssets, esbuildVariant, ROOT, type Variant } from './bundles';

const GET_ENTRY = join(ROOT, 'lambda', 'handlers', 'get-pat.ts');
const fixture = (file: string) => join(__dirname, '..', 'fixtures', file);

/** The chosen build's esbuild aliases but one: a lever row measures what that one alias buys. */
const aliasesWithout = (module: keyof typeof BUNDLE_SETTINGS.alias) =>
  Object.fromEntries(Object.entries(BUNDLE_SETTINGS.alias).filter(([name]) => name !== module));

/**
 * Every bundle the bench loads: each function's asset as CDK builds it (with esbuild's metafile
 * of the same settings), the baselines (the SDK floor, an empty handler, `NodejsFunction`'s
 * defaults) and the levers (the chosen build with one setting changed).
 */
export async function buildVariants() {
  const assets = cdkAssets('chosen', (app) => buildPatsApiApp(app));
  const functions = FUNCTIONS.map((fn) => {
    const route = ROUTES.find((candidate) => candidate.name === fn.name);
    const what = route === undefined ? 'credential authorizer' : `${route.method} ${route.path}`;
    const file = [...assets].find(([logicalId]) => logicalId.startsWith(`${constructIdOf(fn)}Function`))?.[1];
    if (file === undefined) throw new Error(`no asset for ${fn.name}`);
    return { name: fn.name, what, variant: { name: fn.name, what, file } satisfies Variant };
  });
  const metafiles = new Map(
    await Promise.all(
      FUNCTIONS.map(
        async (fn) =>
          [
            fn.name,
            (
              await esbuildVariant(
                `${fn.name}-meta`,
                'metafile',
                join(ROOT, 'lambda', 'handlers', `${entryOf(fn)}.ts`),
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
      { mainFields: ['main', 'module'] },
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

export type Variants = Awaited<ReturnType<typeof buildVariants>>;

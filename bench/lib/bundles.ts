import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_SETTINGS, esbuildOptions } from '../../lib/bundling';

export const ROOT = join(__dirname, '..', '..');
export const OUT = join(__dirname, '..', '.out');

/** A built bundle to load in a fresh process. */
export interface Variant {
  readonly name: string;
  readonly what: string;
  readonly file: string;
  readonly metafile?: Metafile;
  readonly nodeOptions?: string;
}

/** A bundle built by esbuild with the project's settings, `overrides` changed. */
export async function esbuildVariant(
  name: string,
  what: string,
  entry: string,
  overrides: Record<string, unknown> = {},
  nodeOptions?: string,
): Promise<Variant> {
  const format = (overrides.format as string | undefined) ?? BUNDLE_SETTINGS.format;
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, format === 'esm' ? 'index.mjs' : 'index.js');
  const options = { ...esbuildOptions(entry, file), ...overrides };
  if (format !== 'esm') (options as { banner?: unknown }).banner = undefined;
  const result = await build(options as Parameters<typeof build>[0]);
  return {
    name,
    what,
    file,
    ...(result.metafile ? { metafile: result.metafile } : {}),
    ...(nodeOptions ? { nodeOptions } : {}),
  };
}

/**
 * The assets CDK itself builds for the functions of a stack, found through the template's asset
 * metadata, by the function's logical id prefix. Copied inside the repository, so a bundle that
 * leaves the SDK out resolves it from node_modules, as it would resolve the runtime's copy in Lambda.
 */
export function cdkAssets(name: string, define: (app: App) => Stack): Map<string, string> {
  const outdir = join(OUT, `cdk-${name}`);
  rmSync(outdir, { recursive: true, force: true });
  const app = new App({
    outdir,
    context: {
      jwtIssuer: 'https://issuer.example.com',
      jwtAudience: 'pats-api',
      'aws:cdk:enable-asset-metadata': true,
    },
  });
  const stack = define(app);
  app.synth();
  const template = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.template.json`), 'utf8')) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  const files = new Map<string, string>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const asset = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || asset === undefined) continue;
    const assetDir = join(outdir, asset);
    const built = readdirSync(assetDir).find((file) => /^index\.(m?js|cjs)$/.test(file));
    if (built === undefined) throw new Error(`no index file in ${assetDir}`);
    const dir = join(OUT, `${name}-${id}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(assetDir, built), join(dir, built));
    files.set(id, join(dir, built));
  }
  return files;
}

/** Bytes of the bundle that come from inputs matching `pattern`. */
export function bytesFrom(metafile: Metafile | undefined, pattern: RegExp): number {
  let total = 0;
  for (const output of Object.values(metafile?.outputs ?? {})) {
    for (const [input, info] of Object.entries(output.inputs))
      if (pattern.test(input)) total += info.bytesInOutput;
  }
  return total;
}

export const SDK_INPUTS = /node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws\/)/;

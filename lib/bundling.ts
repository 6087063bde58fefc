import * as path from 'node:path';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

const ROOT = path.join(__dirname, '..');

/** The file that replaces the SDK's default credential chain in the bundle. */
export const CREDENTIALS_SHIM = path.join(ROOT, 'lambda', 'adapters', 'lambda-credentials.ts');

/** The file that replaces `node:stream/web` (imported by Middy, used only for streamed responses). */
export const WEB_STREAMS_SHIM = path.join(ROOT, 'lambda', 'adapters', 'lazy-web-streams.ts');

/**
 * How the function is bundled, chosen by the figures in docs/performance.md:
 * - ESM, minified, for Node.js 24;
 * - the AWS SDK bundled (not the runtime's copy) and its ES module builds preferred
 *   (`mainFields`), which esbuild tree-shakes far better;
 * - the SDK's default credential chain replaced by the environment provider (the only one Lambda
 *   uses), which drops the other providers and their STS/SSO clients;
 * - `node:stream/web` replaced by a class that loads Node's web streams only when asked, because
 *   Middy imports them for streamed responses no function sends;
 * - the `createRequire` banner, because a few bundled CommonJS modules call `require`;
 * - no source map: it would be loaded on every cold start for stack traces nobody reads in the
 *   response (errors are logged with their message).
 */
export const BUNDLE_SETTINGS = {
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: false,
  mainFields: ['module', 'main'],
  alias: { '@aws-sdk/credential-provider-node': CREDENTIALS_SHIM, 'node:stream/web': WEB_STREAMS_SHIM },
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
} as const;

/** `BUNDLE_SETTINGS` as `NodejsFunction` bundling options. */
export function nodejsBundling(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    minify: BUNDLE_SETTINGS.minify,
    sourceMap: BUNDLE_SETTINGS.sourcemap,
    target: BUNDLE_SETTINGS.target,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    bundleAwsSDK: true,
    externalModules: [],
    banner: BUNDLE_SETTINGS.banner,
    esbuildArgs: Object.fromEntries(
      Object.entries(BUNDLE_SETTINGS.alias).map(([name, file]) => [`--alias:${name}`, file]),
    ),
  };
}

/** `BUNDLE_SETTINGS` as esbuild build options (for the benchmarks and the bundle budget test). */
export function esbuildOptions(entry: string, outfile: string) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    target: BUNDLE_SETTINGS.target,
    format: BUNDLE_SETTINGS.format,
    minify: BUNDLE_SETTINGS.minify,
    sourcemap: BUNDLE_SETTINGS.sourcemap,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    alias: { ...BUNDLE_SETTINGS.alias },
    banner: { js: BUNDLE_SETTINGS.banner },
    metafile: true,
    logLevel: 'silent' as const,
  };
}

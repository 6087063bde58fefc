/**
 * `npm run test:mutation`: Stryker over `lambda/` with the suites that exercise it directly
 * (`test/lambda/`, `test/integration/`), then the summary in docs/security.md.
 *
 * The suites need DynamoDB Local. Jest's global set-up would start a JVM for every test run
 * Stryker makes (one per mutant): this starts one for the whole mutation run instead, and the
 * global set-up uses it (`TEST_DYNAMODB_ENDPOINT`). Incremental: `stryker/incremental.json`
 * (committed) lets a rerun after a small change test only the mutants that changed. Arguments go
 * to `stryker run`: `-- --mutate 'lambda/domain/*.ts'` runs one part; Stryker keeps the results of
 * the other files in the incremental file, which the summary reads.
 */

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../local/store/dynamodb-local';

const ROOT = join(__dirname, '..');

async function main(): Promise<number> {
  const store = await startDynamoDbLocal({ port: 0 });
  try {
    const env = {
      ...process.env,
      TEST_DYNAMODB_ENDPOINT: `http://127.0.0.1:${store.port}`,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const started = Date.now();
    const stryker = spawnSync('npx', ['stryker', 'run', ...process.argv.slice(2)], {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    });
    process.stderr.write(`stryker took ${Math.round((Date.now() - started) / 60_000)} min\n`);
    if (stryker.status !== 0) return stryker.status ?? 1;
    const summary = spawnSync('npx', ['tsx', join('scripts', 'mutation-summary.ts')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    return summary.status ?? 1;
  } finally {
    await store.close();
  }
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`test:mutation failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);

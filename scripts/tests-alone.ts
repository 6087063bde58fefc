/**
 * `npm run test:alone`: every test must pass on its own, not only after the tests before it.
 * Lists the tests from one Jest run (`--json`), then runs tests one at a time, each in a Jest
 * process of its own (`<file> -t '^<full name>$'`), against one shared DynamoDB Local. By default
 * a seeded sample of each file (TESTS_ALONE_PER_FILE, default 3; TESTS_ALONE_SEED); `all` runs
 * every test alone (about an hour here). Exits non-zero naming each test that failed alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startDynamoDbLocal } from '../local/store/dynamodb-local';

const ROOT = join(__dirname, '..');
const PER_FILE = process.env.TESTS_ALONE_PER_FILE ?? '3';
const SEED = Number(process.env.TESTS_ALONE_SEED ?? 20261129);

interface JestJson {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly testResults: ReadonlyArray<{
    readonly name: string;
    readonly assertionResults: ReadonlyArray<{ readonly fullName: string; readonly status: string }>;
  }>;
}

function jest(args: readonly string[], env: NodeJS.ProcessEnv, outputFile: string): JestJson | undefined {
  spawnSync('npx', ['jest', '--json', `--outputFile=${outputFile}`, ...args], {
    cwd: ROOT,
    env,
    stdio: 'ignore',
  });
  try {
    return JSON.parse(readFileSync(outputFile, 'utf8')) as JestJson;
  } catch {
    return undefined;
  }
}

/** A small seeded generator, so the sample is the same on every run with the same seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function main(): Promise<number> {
  const store = await startDynamoDbLocal({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'tests-alone-'));
  try {
    const env = {
      ...process.env,
      TEST_DYNAMODB_ENDPOINT: `http://127.0.0.1:${store.port}`,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const listed = jest(process.argv.slice(2), env, join(dir, 'all.json'));
    if (listed === undefined) throw new Error('the listing run wrote no results');
    const picked = listed.testResults.flatMap((file) => {
      const names = [...new Set(file.assertionResults.map((test) => test.fullName))];
      const chosen = PER_FILE === 'all' ? names : shuffled(names, SEED).slice(0, Number(PER_FILE));
      return chosen.map((fullName) => ({ file: relative(ROOT, file.name), fullName }));
    });
    process.stderr.write(`running ${picked.length} tests alone, one Jest process each\n`);
    const failed: string[] = [];
    for (const [index, { file, fullName }] of picked.entries()) {
      const result = jest([file, '-t', `^${escapeRegExp(fullName)}$`], env, join(dir, `${index}.json`));
      const alone = result !== undefined && result.numFailedTests === 0 && result.numPassedTests >= 1;
      if (!alone) failed.push(`${file} › ${fullName}`);
      process.stderr.write(`${alone ? 'ok  ' : 'FAIL'} ${file} › ${fullName}\n`);
    }
    process.stdout.write(
      `${picked.length - failed.length} of ${picked.length} tests passed alone${failed.length > 0 ? `; failed alone:\n  ${failed.join('\n  ')}` : ''}\n`,
    );
    return failed.length === 0 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await store.close();
  }
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`test:alone failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);

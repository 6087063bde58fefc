/**
 * `npm run bench:load`: a bounded load test of the running local API (`npm start`'s server in its
 * own process) with a mix of 200, 403, 404 and 401 requests, on loopback only. It runs for a fixed
 * time with a fixed number of connections, then stops by itself, checks that nothing but the
 * expected statuses came back and that memory stayed flat, and writes the figures to
 * docs/performance.md (between the load markers).
 *
 *   LOAD_DURATION      seconds (default 20)
 *   LOAD_CONNECTIONS   concurrent connections (default 10)
 *   LOAD_WARMUP        seconds of the same load before measuring, not counted (default 5): the
 *                      embedded DynamoDB Local is a fresh JVM that answers several times slower
 *                      until its JIT has compiled the hot paths
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadOrCreateDevKey } from '../local/dev-issuer';
import { devToken } from '../local/dev-token';
import { devIssuerUrl, LOCAL } from '../local/local-config';

const ROOT = join(__dirname, '..');
const DURATION = Number(process.env.LOAD_DURATION ?? 20);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 10);
const WARMUP = Number(process.env.LOAD_WARMUP ?? 5);
const EXPECTED = ['200', '401', '403', '404'];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    [join(ROOT, 'local', 'server.ts'), '--in-memory'],
    {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let banner = '';
  child.stderr?.resume();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${banner}`)), 30_000);
    child.stdout?.on('data', (chunk) => {
      if (banner.includes('Stop with Ctrl-C')) return;
      banner += String(chunk);
      if (banner.includes('Stop with Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${banner}`)));
  });
  return child;
}

/** The resident set size of a process, from /proc (Linux). */
function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'pats-load-'));
  const ports = { api: await freePort(), store: await freePort(), issuer: await freePort() };
  const names = LOCAL.settings;
  const env = {
    [names.port.env]: String(ports.api),
    [names.dynamoDbPort.env]: String(ports.store),
    [names.devIssuerPort.env]: String(ports.issuer),
    [names.dataDir.env]: dataDir,
  };
  process.stderr.write(`starting the local API on 127.0.0.1:${ports.api}…\n`);
  const server = await startServer(env);
  const pid = server.pid as number;
  try {
    const workspaceId = randomUUID();
    const token = devToken(loadOrCreateDevKey(dataDir), {
      issuer: devIssuerUrl(ports.issuer),
      audience: 'pats-api',
      subject: 'load',
      workspaces: [workspaceId],
      ttlSeconds: 3600,
    });
    const auth = { authorization: `Bearer ${token}` };
    // The PAT the load reads, created through the API like any other.
    const created = await fetch(`http://127.0.0.1:${ports.api}/api/v1/pats`, {
      method: 'POST',
      headers: { ...auth, 'x-workspace-id': workspaceId, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'load', scopes: ['read'] }),
    });
    const record = ((await created.json()) as { data: { id: string } }).data;
    const requests = [
      {
        method: 'GET' as const,
        path: `/api/v1/pats/${record.id}`,
        headers: { ...auth, 'x-workspace-id': workspaceId },
      },
      {
        method: 'GET' as const,
        path: `/api/v1/pats/${record.id}`,
        headers: { ...auth, 'x-workspace-id': randomUUID() },
      },
      {
        method: 'GET' as const,
        path: `/api/v1/pats/${randomUUID()}`,
        headers: { ...auth, 'x-workspace-id': workspaceId },
      },
      {
        method: 'GET' as const,
        path: `/api/v1/pats/${record.id}`,
        headers: { 'x-workspace-id': workspaceId },
      },
    ];

    const target = { url: `http://127.0.0.1:${ports.api}`, connections: CONNECTIONS, requests };
    process.stderr.write(`load: warming up for ${WARMUP} s (not counted)…\n`);
    await autocannon({ ...target, duration: WARMUP });

    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssBytes(pid)), 250);
    process.stderr.write(`load: ${CONNECTIONS} connections for ${DURATION} s, 200/403/404/401 in turn…\n`);
    const result = await autocannon({ ...target, duration: DURATION });
    clearInterval(sampler);

    const third = Math.floor(samples.length / 3);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const firstThird = mean(samples.slice(0, third));
    const lastThird = mean(samples.slice(-third));
    const statuses = Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [
        status,
        (stats as { count: number }).count,
      ]),
    ) as Record<string, number>;
    const answered = Object.values(statuses).reduce((sum, count) => sum + count, 0);
    const unexpected = Object.entries(statuses).filter(([status]) => !EXPECTED.includes(status));
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

    const checks = [
      [
        'only 200, 401, 403 and 404 came back',
        unexpected.length === 0,
        unexpected.length === 0 ? 'yes' : JSON.stringify(unexpected),
      ],
      [
        'no errors or timeouts (no response lost)',
        result.errors === 0 && result.timeouts === 0,
        `${result.errors} errors, ${result.timeouts} timeouts`,
      ],
      [
        'every completed request was answered',
        answered === result.requests.total,
        `${answered} of ${result.requests.total}`,
      ],
      [
        'RSS in the last third <= 1.2x the first third',
        lastThird <= 1.2 * firstThird,
        `${mb(lastThird)} vs ${mb(firstThird)} (${(lastThird / firstThird).toFixed(2)}x)`,
      ],
    ] as const;
    const report = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node.js ${process.version}: autocannon, ${CONNECTIONS} connections, ${DURATION} s after ${WARMUP} s of warm-up, against \`npm start\`'s server (gateway imitation, dev-issuer JWTs verified twice, embedded DynamoDB Local, audit logging on) in its own process, requests cycling 200 / 403 / 404 / 401.`,
      '',
      '| | figure |',
      '|---|---|',
      `| throughput | ${Math.round(result.requests.average)} req/s (${result.requests.total} requests) |`,
      `| latency p50 / p90 / p99 / max | ${result.latency.p50} / ${result.latency.p90} / ${result.latency.p99} / ${result.latency.max} ms |`,
      `| statuses | ${EXPECTED.map((status) => `${status}: ${statuses[status] ?? 0}`).join(', ')} |`,
      `| server RSS first third / last third | ${mb(firstThird)} / ${mb(lastThird)} |`,
      '',
      '| check | met | figure |',
      '|---|---|---|',
      ...checks.map(([name, met, figure]) => `| ${name} | ${met ? 'yes' : '**no**'} | ${figure} |`),
    ].join('\n');
    process.stdout.write(`${report}\n`);

    const doc = join(ROOT, 'docs', 'performance.md');
    const current = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
    const block = `<!-- load:start -->\n${report}\n<!-- load:end -->`;
    writeFileSync(
      doc,
      current.includes('<!-- load:start -->')
        ? current.replace(/<!-- load:start -->[\s\S]*<!-- load:end -->/, block)
        : `${current.trimEnd()}\n\n## Load\n\n${block}\n`,
    );
    process.stderr.write(`wrote ${doc}\n`);
    if (checks.some(([, met]) => !met)) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`load test failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});

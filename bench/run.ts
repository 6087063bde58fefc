/**
 * `npm run bench`: bundle size and cold init of every function, warm latency of read, list,
 * create and the authorizer, and the cost of JWT verification, each measured side by side with
 * its baseline in this one run, and written to docs/performance.md (between the bench markers).
 * Loopback only; it stops by itself.
 *
 *   BENCH_RUNS      cold starts per variant (default 60)
 *   BENCH_WARM      warm invocations per side (default 2000)
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchBackends } from './lib/backends';
import { OUT, ROOT, type Variant } from './lib/bundles';
import { cpuCases, jwtCases, warmCases } from './lib/cases';
import { type ColdCase, coldStarts, pairedRatio } from './lib/cold';
import { render } from './lib/report';
import { buildVariants } from './lib/variants';

const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const WARM = Number(process.env.BENCH_WARM ?? 2000);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });

  log('building bundles…');
  const bundles = await buildVariants();
  log('starting DynamoDB Local and a loopback issuer…');
  const backends = await startBenchBackends();

  log(`cold starts: ${RUNS} per variant, interleaved…`);
  const getEvent = backends.coldEvents.get('getPat');
  if (getEvent === undefined) throw new Error('no cold-start event for getPat');
  const cases: ColdCase[] = [
    ...bundles.functions.map(({ name, variant }) => {
      const event = backends.coldEvents.get(name);
      if (event === undefined) throw new Error(`no cold-start event for ${name}`);
      return { variant, eventFile: event.file, status: event.status };
    }),
    { variant: bundles.floor, eventFile: getEvent.file },
    { variant: bundles.floorFullChain, eventFile: getEvent.file },
    { variant: bundles.empty, eventFile: getEvent.file },
    { variant: bundles.defaults, eventFile: getEvent.file, status: 200 },
    ...bundles.levers.map((variant) => ({ variant, eventFile: getEvent.file, status: 200 })),
  ];
  const cold = await coldStarts(cases, RUNS, backends.env);
  const loadOf = (variant: Variant) => cold.get(variant.name)?.load.median ?? Number.NaN;
  const loadRatio = (a: Variant, b: Variant) => pairedRatio(cold.get(a.name), cold.get(b.name));

  log(`warm: ${WARM} invocations per side, interleaved…`);
  const { errorLines, ...warm } = await warmCases(backends, WARM);
  log('CPU with the SDK transport stubbed…');
  const cpu = await cpuCases(backends, WARM);
  log('JWT verification…');
  const jwt = await jwtCases(backends, WARM);
  for (const line of errorLines) log(`error logged during the warm runs: ${line}`);
  await backends.stop();

  const report = render({ bundles, runs: RUNS, warmRuns: WARM, cold, loadOf, loadRatio, warm, cpu, jwt });
  process.stdout.write(`${report.text}\n`);
  const doc = join(ROOT, 'docs', 'performance.md');
  const current = existsSync(doc) ? readFileSync(doc, 'utf8') : '<!-- bench:start -->\n<!-- bench:end -->\n';
  writeFileSync(
    doc,
    current.replace(
      /<!-- bench:start -->[\s\S]*<!-- bench:end -->/,
      `<!-- bench:start -->\n${report.text}\n<!-- bench:end -->`,
    ),
  );
  log(`wrote ${doc}`);
  if (report.missed.length > 0) log(`targets missed: ${report.missed.join('; ')}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});

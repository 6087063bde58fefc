import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Variant } from './bundles';
import { type Stats, stats } from './stats';

interface ColdRun {
  readonly loadMs: number;
  readonly invokeMs: number;
  readonly status?: number;
}

/** One cold start in a fresh Node.js process: load the bundle, then invoke it once with `eventFile`. */
function coldStart(
  variant: Variant,
  eventFile: string | undefined,
  env: Record<string, string>,
): Promise<ColdRun> {
  const child = spawn(
    process.execPath,
    [join(__dirname, '..', 'cold-start-child.mjs'), variant.file, ...(eventFile ? [eventFile] : [])],
    {
      cwd: join(variant.file, '..'),
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        ...(variant.nodeOptions ? { NODE_OPTIONS: variant.nodeOptions } : {}),
      },
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    err += String(chunk);
  });
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      const line = out.split('@@BENCH@@')[1];
      if (code !== 0 || line === undefined)
        reject(new Error(`${variant.name} failed (${code}): ${out}\n${err}`));
      else resolve(JSON.parse(line) as ColdRun);
    });
  });
}

export interface ColdCase {
  readonly variant: Variant;
  readonly eventFile?: string;
  /** The status the first invocation must answer. */
  readonly status?: number;
}

export interface ColdResult {
  /** Each round's load, in round order, for ratios paired by round (see `pairedRatio`). */
  readonly loads: readonly number[];
  readonly load: Stats;
  /** Load and first invocation together. */
  readonly first: Stats;
}

/** `runs` cold starts of every case, interleaved so that machine noise spreads over all of them. */
export async function coldStarts(
  cases: readonly ColdCase[],
  runs: number,
  env: Record<string, string>,
): Promise<Map<string, ColdResult>> {
  const results = new Map<string, ColdRun[]>(cases.map(({ variant }) => [variant.name, []]));
  for (let run = 0; run < runs; run += 1) {
    for (const { variant, eventFile, status } of cases) {
      const result = await coldStart(variant, eventFile, env);
      if (status !== undefined && result.status !== status) {
        throw new Error(`${variant.name} answered ${result.status}, not ${status}`);
      }
      results.get(variant.name)?.push(result);
    }
  }
  return new Map(
    [...results].map(([name, runsOf]) => [
      name,
      {
        loads: runsOf.map((r) => r.loadMs),
        load: stats(runsOf.map((r) => r.loadMs)),
        first: stats(runsOf.map((r) => r.loadMs + r.invokeMs)),
      },
    ]),
  );
}

/**
 * The median of `a`'s load over `b`'s, round by round: both were measured within seconds of each
 * other, so the machine's drift over the run (other processes, CPU clocks) cancels out, which a
 * ratio of two whole-run medians does not do.
 */
export function pairedRatio(a: ColdResult | undefined, b: ColdResult | undefined): number {
  if (a === undefined || b === undefined) return Number.NaN;
  return stats(a.loads.map((load, round) => load / (b.loads[round] ?? Number.NaN))).median;
}

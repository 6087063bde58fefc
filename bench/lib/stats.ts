export type Stats = { median: number; p10: number; p90: number; p99: number; mean: number; n: number };

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    median: at(0.5),
    p10: at(0.1),
    p90: at(0.9),
    p99: at(0.99),
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
    n: values.length,
  };
}

export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
export const ms = (value: number) => `${value.toFixed(2)} ms`;
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

/** CPU time per call of `fn`, in milliseconds, after a warm-up. */
export async function cpuPer(fn: () => Promise<unknown>, n: number): Promise<number> {
  for (let i = 0; i < 200; i += 1) await fn();
  const start = process.cpuUsage();
  for (let i = 0; i < n; i += 1) await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / n;
}

/** Runs `fn` with writes to stdout dropped (the handlers' log lines are built as in production, not printed). */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

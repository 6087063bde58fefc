import { type Stats, stats } from './stats';

export interface WarmPair {
  readonly handler: Stats;
  readonly raw: Stats;
  readonly failures: number;
  /** The unexpected statuses seen, with their counts, so a failing run says what failed. */
  readonly unexpected: Readonly<Record<string, number>>;
}

/**
 * `n` calls of a handler and of the raw DynamoDB call it makes, interleaved (handler, raw,
 * handler, …) after a warm-up, so that both see the same machine at the same moment.
 */
export async function warmPair(
  n: number,
  handler: () => Promise<{ statusCode: number }>,
  expected: number,
  raw: () => Promise<unknown>,
  onWarm: () => void = () => undefined,
): Promise<WarmPair> {
  for (let i = 0; i < 200; i += 1) {
    await handler();
    await raw();
  }
  onWarm();
  const handlerTimes: number[] = [];
  const rawTimes: number[] = [];
  let failures = 0;
  const unexpected: Record<string, number> = {};
  for (let i = 0; i < n; i += 1) {
    let t = performance.now();
    const result = await handler();
    handlerTimes.push(performance.now() - t);
    if (result.statusCode !== expected) {
      failures += 1;
      unexpected[result.statusCode] = (unexpected[result.statusCode] ?? 0) + 1;
    }
    t = performance.now();
    await raw();
    rawTimes.push(performance.now() - t);
  }
  return { handler: stats(handlerTimes), raw: stats(rawTimes), failures, unexpected };
}

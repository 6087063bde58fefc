/**
 * Stands in for `node:stream/web` in the Lambda bundle (an esbuild alias, see `lib/bundling.ts`).
 *
 * Middy's core imports `ReadableStream` from `node:stream/web` at the top of its module, but only
 * reads it when a handler streams its response (`streamifyResponse`), which no function here does.
 * Node.js builds its web streams lazily: importing `node:stream/web` evaluates them (and
 * `worker/io`) at once: about 2 ms in a bare process, up to 2 % of a route's load in the bench's
 * lever row (docs/performance.md). This class answers `instanceof` exactly as the real
 * `ReadableStream` does, and loads Node's implementation only when it is asked.
 *
 * Anything else imported from `node:stream/web` fails the build (esbuild: no matching export), so
 * the alias can never hand a bundle a missing class at run time.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: `instanceof` needs a class (or function) on its right-hand side
export class ReadableStream {
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof globalThis.ReadableStream;
  }
}

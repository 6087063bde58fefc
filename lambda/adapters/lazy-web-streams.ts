/**
 * `node:stream/web` in the bundles (an esbuild alias): Middy imports it for streamed responses,
 * which no function sends, and importing it evaluates Node's web streams at init. This answers
 * `instanceof` as the real class does; any other import from the module fails the build.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: `instanceof` needs a class (or function) on its right-hand side
export class ReadableStream {
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof globalThis.ReadableStream;
  }
}

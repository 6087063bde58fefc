import { Readable } from 'node:stream';
import { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { ReadableStream } from '../../../lambda/adapters/lazy-web-streams';

describe('the bundle stand-in for node:stream/web', () => {
  it("counts Node's web streams as ReadableStreams, as Middy's streaming check expects", () => {
    expect(new NodeReadableStream()).toBeInstanceOf(ReadableStream);
  });

  it('counts nothing else as one: Node streams, strings, plain objects, null', () => {
    const others: unknown[] = [Readable.from(['a']), 'body', { getReader: () => undefined }, null, undefined];

    expect(others.filter((value) => value instanceof ReadableStream)).toEqual([]);
  });
});

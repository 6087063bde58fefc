import { connect } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Everything the server sent, headers included. */
  readonly raw: string;
}

/**
 * Sends bytes exactly as given over a TCP connection and reads the answer until the server closes
 * it. Unlike `fetch` or `http.request`, nothing is normalised or refused on the client side: paths
 * with `..`, raw NUL or non-ASCII bytes, repeated headers all reach the server as written.
 */
export function rawRequest(
  port: number,
  request: Buffer | string,
  timeoutMs = 10_000,
  host = '127.0.0.1',
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms to ${String(request).slice(0, 120)}`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      // Nothing was received: the connection itself failed (refused, reset before any answer).
      if (chunks.length === 0) {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const split = raw.indexOf('\r\n\r\n');
      const head = split === -1 ? raw : raw.slice(0, split);
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      resolve({
        status,
        headers,
        body: split === -1 ? '' : Buffer.from(raw.slice(split + 4), 'latin1').toString('utf8'),
        raw,
      });
    });
    socket.write(request);
  });
}

/** A GET request with `Connection: close`, headers in the order given (repeats allowed). */
export function getRequest(path: string, headers: ReadonlyArray<readonly [string, string]>): Buffer {
  const lines = [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    ...headers.map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
}

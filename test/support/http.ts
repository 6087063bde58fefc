import { connect } from 'node:net';

/** An HTTP answer as it came over the wire. */
export interface HttpAnswer {
  readonly status: number;
  /** Lower-case names; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Everything the server sent, headers included. */
  readonly raw: string;
  /** The body parsed as JSON (throws when it is not). */
  json<T = Record<string, unknown>>(): T;
}

/**
 * The tests' one HTTP client. It writes bytes exactly as given over a TCP connection and reads
 * the answer until the server closes it: unlike `fetch` or `http.request`, nothing is normalised
 * or refused on the client side, so paths with `..`, raw control or non-ASCII bytes, repeated
 * headers, foreign `Host` headers all reach the server as written.
 */
export function rawRequest(
  port: number,
  bytes: Buffer | string,
  options: { host?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host ?? '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms to ${String(bytes).slice(0, 120)}`));
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
      resolve(parseAnswer(Buffer.concat(chunks).toString('latin1')));
    });
    socket.write(bytes);
  });
}

export interface RequestOptions {
  readonly method?: string;
  readonly path: string;
  /** In the order given; repeats allowed. A record is taken in its key order. */
  readonly headers?: ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string | undefined>>;
  readonly body?: string | Buffer;
  /** The `Host` header. @default '127.0.0.1' */
  readonly hostHeader?: string;
  /** Address to connect to. @default '127.0.0.1' */
  readonly address?: string;
  readonly timeoutMs?: number;
}

/** One request with `Connection: close` and, when there is a body, its `Content-Length`. */
export function request(port: number, options: RequestOptions): Promise<HttpAnswer> {
  const headers = Array.isArray(options.headers)
    ? (options.headers as ReadonlyArray<readonly [string, string]>)
    : Object.entries(options.headers ?? {}).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      );
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const head = [
    `${options.method ?? 'GET'} ${options.path} HTTP/1.1`,
    `Host: ${options.hostHeader ?? '127.0.0.1'}`,
    ...headers.map(([name, value]) => `${name}: ${value}`),
    ...(body !== undefined ? [`Content-Length: ${body.length}`] : []),
    'Connection: close',
  ].join('\r\n');
  return rawRequest(port, Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'utf8'), body ?? Buffer.alloc(0)]), {
    ...(options.address !== undefined ? { host: options.address } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/** `request` to a URL (`http://host:port/path?query`). */
export function requestUrl(
  url: string,
  options: Omit<RequestOptions, 'path' | 'address'> = {},
): Promise<HttpAnswer> {
  const parsed = new URL(url);
  return request(Number(parsed.port), {
    ...options,
    path: `${parsed.pathname}${parsed.search}`,
    address: parsed.hostname === 'localhost' ? '127.0.0.1' : parsed.hostname,
    hostHeader: options.hostHeader ?? parsed.host,
  });
}

function parseAnswer(raw: string): HttpAnswer {
  const split = raw.indexOf('\r\n\r\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const body = split === -1 ? '' : Buffer.from(raw.slice(split + 4), 'latin1').toString('utf8');
  return {
    status,
    headers,
    body,
    raw,
    json<T>() {
      return JSON.parse(body) as T;
    },
  };
}

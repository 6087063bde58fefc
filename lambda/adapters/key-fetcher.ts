import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Fetcher } from 'aws-jwt-verify/https';
import { parseKeySourceUrl, type UrlPolicy } from './url-policy';

/**
 * The issuer's keys could not be had: network error, timeout, a non-200 answer, an oversized or
 * unparsable body. Callers answer 503, not 401: the token may be perfectly valid.
 */
export class KeySourceUnavailableError extends Error {
  override readonly name = 'KeySourceUnavailableError';
  /** How long the failure is remembered: the client may retry after that. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export interface KeyFetcherProps {
  /** Time allowed for the whole exchange, connection included. */
  readonly timeoutMs: number;
  /**
   * Largest body accepted; a key set is a few KiB, so anything near this is not one.
   * @default 256 KiB
   */
  readonly maxBodyBytes?: number;
  /** Which plain-HTTP hosts count as this machine. */
  readonly policy: UrlPolicy;
}

/**
 * Fetches discovery documents and key sets. It replaces aws-jwt-verify's fetcher, which only
 * speaks HTTPS, so that loopback issuers work for local runs and tests; every URL still has to
 * pass `parseKeySourceUrl`, which allows plain HTTP for loopback hosts only. Redirects are not
 * followed: a key set must come from the place that was configured or discovered.
 */
export class KeyFetcher implements Fetcher {
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  readonly policy: UrlPolicy;

  constructor(props: KeyFetcherProps) {
    this.timeoutMs = props.timeoutMs;
    this.maxBodyBytes = props.maxBodyBytes ?? 256 * 1024;
    this.policy = props.policy;
  }

  async fetch(uri: string): Promise<ArrayBuffer> {
    const url = parseKeySourceUrl(uri, this.policy);
    if (url === undefined) {
      throw new KeySourceUnavailableError(
        `Refusing to fetch keys from ${redact(uri)}: not https or loopback`,
      );
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<ArrayBuffer>((resolve, reject) => {
      const fail = (message: string) => reject(new KeySourceUnavailableError(`${redact(uri)}: ${message}`));
      const req = send(url, { method: 'GET', headers: { accept: 'application/json' } });
      // One deadline for the whole exchange (connection, headers, body): a socket idle timeout
      // of the same length could never fire first.
      const deadline = setTimeout(() => {
        req.destroy();
        fail(`no answer within ${this.timeoutMs} ms`);
      }, this.timeoutMs);
      req.on('error', (error) => {
        clearTimeout(deadline);
        fail(error.message);
      });
      req.on('response', (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          clearTimeout(deadline);
          res.resume();
          fail(`answered HTTP ${res.statusCode}`);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBodyBytes) {
            clearTimeout(deadline);
            req.destroy();
            fail(`body larger than ${this.maxBodyBytes} bytes`);
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(deadline);
          const body = Buffer.concat(chunks);
          resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
        });
        res.on('error', (error) => {
          clearTimeout(deadline);
          fail(error.message);
        });
      });
      req.end();
    });
  }
}

/** URLs go into logs; a query string could carry something that should not. */
function redact(uri: string): string {
  const queryAt = uri.indexOf('?');
  return queryAt === -1 ? uri : `${uri.slice(0, queryAt)}?…`;
}

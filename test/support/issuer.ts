import type { IncomingMessage, ServerResponse } from 'node:http';
import { DevIssuer, generateSigningKey, type JwtClaims, type SigningKey } from '../../local/dev-issuer';

export { generateSigningKey as generateKey };
export type IssuerKey = SigningKey;

/**
 * The dev issuer (discovery document + JWKS over HTTP on 127.0.0.1, keys generated per run), with
 * what tests need on top: request counts, an outage switch, and helpers for valid claims.
 */
export class TestIssuer extends DevIssuer {
  readonly audience = 'pats-api';
  /** Requests seen, by path. */
  readonly hits = new Map<string, number>();
  /** When set, every request gets this status and an HTML body instead of a document. */
  failWith: number | undefined;

  static override async start(): Promise<TestIssuer> {
    const issuer = new TestIssuer({ keys: [generateSigningKey()], publicHost: '127.0.0.1' });
    await issuer.listen(0);
    return issuer;
  }

  fetches(path = '/.well-known/jwks.json'): number {
    return this.hits.get(path) ?? 0;
  }

  /** Claims of a valid access token (5 minutes), granting no workspace unless overridden. */
  claims(overrides: JwtClaims = {}): JwtClaims {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: this.url,
      aud: this.audience,
      sub: 'user-1',
      iat: now,
      exp: now + 300,
      workspaces: [],
      ...overrides,
    };
  }

  /** A valid access token granting `workspaces`. */
  token(workspaces: string[] | string, overrides: JwtClaims = {}): string {
    return this.sign(this.claims({ workspaces, ...overrides }));
  }

  protected override handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    if (this.failWith !== undefined) {
      res.writeHead(this.failWith, { 'content-type': 'text/html' }).end('<html>down</html>');
      return;
    }
    super.handle(req, res);
  }
}

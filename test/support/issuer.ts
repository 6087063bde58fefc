import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JwtClaims, type JwtHeader, signRsa } from './jwt';

export interface IssuerKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function generateKey(kid: string = randomUUID()): IssuerKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

/**
 * A real OIDC issuer on 127.0.0.1: a discovery document and a JWKS served over HTTP from RSA keys
 * generated here. Tests rotate and remove keys, take it down, and count the fetches it receives.
 */
export class TestIssuer {
  readonly audience = 'pats-api';
  keys: IssuerKey[] = [];
  /** Requests seen, by path. */
  readonly hits = new Map<string, number>();
  /** When set, every request gets this status (e.g. 500) instead of a document. */
  failWith: number | undefined;
  private server: Server | undefined;
  private baseUrl = '';

  static async start(): Promise<TestIssuer> {
    const issuer = new TestIssuer();
    issuer.keys = [generateKey()];
    await issuer.listen(0);
    return issuer;
  }

  get url(): string {
    return this.baseUrl;
  }

  get jwksUri(): string {
    return `${this.baseUrl}/.well-known/jwks.json`;
  }

  get currentKey(): IssuerKey {
    const key = this.keys[0];
    if (key === undefined) throw new Error('the test issuer has no key');
    return key;
  }

  fetches(path = '/.well-known/jwks.json'): number {
    return this.hits.get(path) ?? 0;
  }

  /** Claims of a valid access token granting `workspaces`, valid for 5 minutes. */
  claims(overrides: JwtClaims = {}): JwtClaims {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: this.baseUrl,
      aud: this.audience,
      sub: 'user-1',
      iat: now,
      exp: now + 300,
      workspaces: [],
      ...overrides,
    };
  }

  /** Signs `claims` with the current key (or `key`), RS256 unless the header says otherwise. */
  sign(claims: JwtClaims, header: JwtHeader = {}, key: IssuerKey = this.currentKey): string {
    return signRsa({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header }, claims, key.privateKey);
  }

  /** A valid access token for `sub` granting `workspaces`. */
  token(workspaces: string[] | string, overrides: JwtClaims = {}): string {
    return this.sign(this.claims({ workspaces, ...overrides }));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Starts again on the same port (after `stop`), as an issuer coming back from an outage would. */
  async restart(): Promise<void> {
    await this.listen(Number(new URL(this.baseUrl).port));
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      if (this.failWith !== undefined) {
        res.writeHead(this.failWith, { 'content-type': 'text/html' }).end('<html>down</html>');
        return;
      }
      if (path === '/.well-known/openid-configuration') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ issuer: this.baseUrl, jwks_uri: this.jwksUri }));
        return;
      }
      if (path === '/.well-known/jwks.json') {
        const keys = this.keys.map((key) => ({
          ...key.publicKey.export({ format: 'jwk' }),
          kid: key.kid,
          alg: 'RS256',
          use: 'sig',
        }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
}

import {
  createPrivateKey,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { type Listening, listenAll } from './listen';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export type JwtHeader = Record<string, unknown>;
export type JwtClaims = Record<string, unknown>;

export function generateSigningKey(kid: string = randomUUID()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

const RSA_HASHES: Readonly<Record<string, string>> = {
  RS256: 'RSA-SHA256',
  RS384: 'RSA-SHA384',
  RS512: 'RSA-SHA512',
};
const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/** Signs a JWT with an RSA private key (RS256/384/512, from `header.alg`). */
export function signJwt(header: JwtHeader, claims: JwtClaims, privateKey: KeyObject): string {
  const hash = RSA_HASHES[String(header.alg)];
  if (hash === undefined) throw new Error(`signJwt signs RS256/384/512 only, not ${String(header.alg)}`);
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(createSign(hash).update(input).sign(privateKey))}`;
}

/**
 * The dev issuer's key, generated on first use and kept in the data folder (mode 0600), so tokens
 * minted by `npm run token` keep working across restarts of `npm start`.
 */
export function loadOrCreateDevKey(dataDir: string): SigningKey {
  const file = join(dataDir, 'dev-issuer-key.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { kid: string; privateKeyPem: string };
    const privateKey = createPrivateKey(stored.privateKeyPem);
    return { kid: stored.kid, privateKey, publicKey: createPublicKey(privateKey) };
  }
  const key = generateSigningKey(`dev-${randomUUID()}`);
  mkdirSync(dataDir, { recursive: true });
  const privateKeyPem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  writeFileSync(file, JSON.stringify({ kid: key.kid, privateKeyPem }, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

export interface DevIssuerOptions {
  readonly keys: SigningKey[];
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Addresses to listen on. @default ['127.0.0.1'] */
  readonly bindHosts?: readonly string[];
  /** Host name in the issuer URL (the tokens' `iss`). @default 'localhost' */
  readonly publicHost?: string;
}

/**
 * A minimal OpenID provider for local use: an OIDC discovery document and a JWKS served over HTTP
 * on this machine, and tokens signed with its keys. The first key signs; all keys are published.
 */
export class DevIssuer {
  keys: SigningKey[];
  private listening: Listening | undefined;
  private issuerUrl = '';
  private readonly bindHosts: readonly string[];
  private readonly publicHost: string;

  protected constructor(options: DevIssuerOptions) {
    this.keys = options.keys;
    this.bindHosts = options.bindHosts ?? ['127.0.0.1'];
    this.publicHost = options.publicHost ?? 'localhost';
  }

  static async start(options: DevIssuerOptions): Promise<DevIssuer> {
    const issuer = new DevIssuer(options);
    await issuer.listen(options.port ?? 0);
    return issuer;
  }

  get url(): string {
    return this.issuerUrl;
  }

  get jwksUri(): string {
    return `${this.issuerUrl}/.well-known/jwks.json`;
  }

  get currentKey(): SigningKey {
    const key = this.keys[0];
    if (key === undefined) throw new Error('the issuer has no key');
    return key;
  }

  /** Signs `claims` with the current key (or `key`); RS256 unless the header says otherwise. */
  sign(claims: JwtClaims, header: JwtHeader = {}, key: SigningKey = this.currentKey): string {
    return signJwt({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header }, claims, key.privateKey);
  }

  async stop(): Promise<void> {
    const listening = this.listening;
    this.listening = undefined;
    await listening?.close();
  }

  /** Starts again on the same port after `stop`, as an issuer back from an outage. */
  async restart(): Promise<void> {
    await this.listen(Number(new URL(this.issuerUrl).port));
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
    } else if (path === '/.well-known/openid-configuration') {
      sendJson(res, {
        issuer: this.issuerUrl,
        jwks_uri: this.jwksUri,
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
      });
    } else if (path === '/.well-known/jwks.json') {
      sendJson(res, {
        keys: this.keys.map((key) => ({
          ...key.publicKey.export({ format: 'jwk' }),
          kid: key.kid,
          alg: 'RS256',
          use: 'sig',
        })),
      });
    } else {
      res.writeHead(404).end();
    }
  }

  protected async listen(port: number): Promise<void> {
    this.listening = await listenAll(
      () => createServer((req, res) => this.handle(req, res)),
      port,
      this.bindHosts,
      'DEV_ISSUER_PORT',
    );
    this.issuerUrl = `http://${this.publicHost}:${this.listening.port}`;
  }
}

function sendJson(res: ServerResponse, body: unknown): void {
  res
    .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
    .end(JSON.stringify(body));
}

import { createHmac, createSign, type KeyObject } from 'node:crypto';

export type JwtHeader = Record<string, unknown>;
export type JwtClaims = Record<string, unknown>;

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');
const encodeJson = (value: unknown) => b64url(JSON.stringify(value));

const RSA_HASHES: Record<string, string> = { RS256: 'RSA-SHA256', RS384: 'RSA-SHA384', RS512: 'RSA-SHA512' };

/** Signs a JWT with an RSA private key, exactly as an issuer would (RS256/384/512). */
export function signRsa(header: JwtHeader, claims: JwtClaims, privateKey: KeyObject): string {
  const alg = String(header.alg);
  const hash = RSA_HASHES[alg];
  if (hash === undefined) throw new Error(`signRsa cannot sign ${alg}`);
  const input = `${encodeJson(header)}.${encodeJson(claims)}`;
  const signature = createSign(hash).update(input).sign(privateKey);
  return `${input}.${b64url(signature)}`;
}

/** The classic algorithm-confusion attack: HS256 with the issuer's *public* key as the HMAC secret. */
export function signHs256(header: JwtHeader, claims: JwtClaims, secret: string | Buffer): string {
  const input = `${encodeJson({ ...header, alg: 'HS256' })}.${encodeJson(claims)}`;
  return `${input}.${b64url(createHmac('sha256', secret).update(input).digest())}`;
}

/** An unsigned token (`alg: none`). */
export function unsigned(header: JwtHeader, claims: JwtClaims): string {
  return `${encodeJson({ ...header, alg: 'none' })}.${encodeJson(claims)}.`;
}

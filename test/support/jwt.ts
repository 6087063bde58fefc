import { createHmac } from 'node:crypto';

export { signJwt as signRsa } from '../../local/dev-issuer';

export type JwtHeader = Record<string, unknown>;
export type JwtClaims = Record<string, unknown>;

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');
const encodeJson = (value: unknown) => b64url(JSON.stringify(value));

/** The classic algorithm-confusion attack: HS256 with the issuer's *public* key as the HMAC secret. */
export function signHs256(header: JwtHeader, claims: JwtClaims, secret: string | Buffer): string {
  const input = `${encodeJson({ ...header, alg: 'HS256' })}.${encodeJson(claims)}`;
  return `${input}.${b64url(createHmac('sha256', secret).update(input).digest())}`;
}

/** An unsigned token (`alg: none`). */
export function unsigned(header: JwtHeader, claims: JwtClaims): string {
  return `${encodeJson({ ...header, alg: 'none' })}.${encodeJson(claims)}.`;
}

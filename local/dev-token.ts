import type { JwtSettings } from '../lambda/config';
import { DEMO } from './demo';
import type { SigningKey } from './dev-issuer';
import { signJwt } from './dev-issuer';

export interface DevTokenRequest {
  readonly issuer: string;
  readonly audience: string;
  readonly subject: string;
  readonly workspaces: readonly string[];
  readonly ttlSeconds: number;
  /** @default 'workspaces' */
  readonly workspaceClaim?: string;
}

/** A user access token from the dev issuer, shaped like a real issuer's (RFC 9068 style). */
export function devToken(key: SigningKey, request: DevTokenRequest): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    { alg: 'RS256', typ: 'at+jwt', kid: key.kid },
    {
      iss: request.issuer,
      aud: request.audience,
      sub: request.subject,
      iat: now,
      nbf: now,
      exp: now + request.ttlSeconds,
      token_use: 'access',
      [request.workspaceClaim ?? 'workspaces']: [...request.workspaces],
    },
    key.privateKey,
  );
}

/** `30s`, `15m`, `1h`, `7d` → seconds; `undefined` for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (match === null) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : undefined;
}

/** The 12-hour token of the demo user for the demo workspace, printed by `npm start` and put in `events/`. */
export function demoToken(key: SigningKey, jwt: DevTokenSettings, issuer: string): string {
  return devToken(key, {
    ...forSettings(jwt, issuer),
    subject: DEMO.subject,
    workspaces: [DEMO.workspaceId],
    ttlSeconds: 12 * 3600,
  });
}

/** The functions' JWT settings a dev token must satisfy. */
export type DevTokenSettings = Pick<JwtSettings, 'audiences' | 'workspaceClaim'>;

/** Issuer, audience and workspace claim of a dev token that the functions accept. */
export const forSettings = (jwt: DevTokenSettings, issuer: string) => ({
  issuer,
  audience: jwt.audiences[0] ?? 'pats-api',
  workspaceClaim: jwt.workspaceClaim,
});

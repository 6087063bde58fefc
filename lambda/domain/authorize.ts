import { timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from './errors';
import type { Authenticator, Clock, PatCredentials } from './ports';
import { hashPatToken, parsePatToken, TOKEN_PREFIX } from './token-format';
import { grantedWorkspaces } from './workspace-grant';

/**
 * What the authorizer hands the route (API Gateway's `requestContext.authorizer.lambda`): strings
 * only, lists space-separated, as the contract's "Using a PAT" lists them.
 */
export type CredentialContext =
  | {
      readonly tokenType: 'pat';
      readonly subject: string;
      readonly workspaceId: string;
      readonly patId: string;
      readonly name: string;
      readonly expiresAt: string;
      readonly scopes: string;
    }
  | {
      readonly tokenType: 'user';
      readonly subject: string;
      readonly workspaces: string;
      /** From the JWT's `exp`: routes refuse it once past, whatever the authorizer cache says. */
      readonly expiresAt: string;
    };

/** Why a credential was refused, in the fixed vocabulary of logs and metrics. */
export type RefusalReason =
  | 'missing'
  | 'scheme'
  | 'malformed_pat'
  | 'unknown_pat'
  | 'hash_mismatch'
  | 'expired'
  | 'scope'
  | 'route'
  | 'jwt';

export type Decision =
  | { readonly allow: true; readonly context: CredentialContext }
  | {
      readonly allow: false;
      readonly reason: RefusalReason;
      readonly tokenType: 'pat' | 'user' | undefined;
      /** For a refused JWT: the reason class of the JWT rules. */
      readonly detail?: string;
      /** For a refused PAT that was found: which one. */
      readonly patId?: string;
    };

export interface AuthorizeDependencies {
  /** The JWT rules of the management routes. */
  readonly authenticator: Authenticator;
  readonly credentials: PatCredentials;
  readonly clock: Clock;
  readonly workspaceClaim: string;
  /** The scopes the PAT policy allows: a PAT's other scopes are retired, and ignored. */
  readonly allowedScopes: readonly string[];
  /** `lastUsedAt` is written at most once per PAT per this many seconds. */
  readonly lastUsedIntervalSeconds: number;
  /** Told when writing `lastUsedAt` failed: that never changes the answer. */
  readonly onLastUsedFailure: (error: unknown, pat: { workspaceId: string; patId: string }) => void;
}

const BEARER = /^bearer +(.*)$/i;

/**
 * "May this credential call this route?" A PAT is checked cheapest first (format and checksum, one
 * read by its locator, the hash in constant time, expiry, scopes); a JWT by the management routes'
 * rules, unlimited by PAT scopes. A failing dependency throws, so the caller fails closed.
 */
export async function authorize(
  input: {
    readonly authorization: string | undefined;
    /** The route's scopes; `undefined` for a route the authorizer was not told of, which no PAT may call. */
    readonly requiredScopes: readonly string[] | undefined;
  },
  deps: AuthorizeDependencies,
): Promise<Decision> {
  const value = input.authorization?.trim() ?? '';
  if (value === '') return { allow: false, reason: 'missing', tokenType: undefined };
  // `value` is trimmed and ` +` takes the spaces after the scheme: the token has no blank at either end.
  const token = BEARER.exec(value)?.[1];
  if (token === undefined) return { allow: false, reason: 'scheme', tokenType: undefined };
  return token.startsWith(TOKEN_PREFIX)
    ? authorizePat(token, input.requiredScopes, deps)
    : authorizeJwt(input.authorization, deps);
}

async function authorizePat(
  token: string,
  requiredScopes: readonly string[] | undefined,
  deps: AuthorizeDependencies,
): Promise<Decision> {
  const refuse = (reason: RefusalReason, patId?: string): Decision => ({
    allow: false,
    reason,
    tokenType: 'pat',
    patId,
  });
  const locator = parsePatToken(token);
  if (locator === undefined) return refuse('malformed_pat');
  const pat = await deps.credentials.findCredential(locator.workspaceId, locator.id);
  if (pat === undefined) return refuse('unknown_pat');
  if (!sameHash(hashPatToken(token), pat.tokenHash)) return refuse('hash_mismatch', pat.id);
  const now = deps.clock.now();
  // A PAT without an expiry predates the token format and cannot get here; refuse one anyway.
  // No `expiresAt` (a PAT from before expiries were required) parses as NaN: refused as expired.
  if (!(Date.parse(String(pat.expiresAt)) > now)) return refuse('expired', pat.id);
  if (requiredScopes === undefined) return refuse('route', pat.id);
  // A scope the policy no longer allows is retired for every PAT that holds it.
  const scopes = pat.scopes.filter((scope) => deps.allowedScopes.includes(scope));
  if (scopes.length === 0 || !requiredScopes.every((scope) => scopes.includes(scope)))
    return refuse('scope', pat.id);

  const intervalMs = deps.lastUsedIntervalSeconds * 1000;
  // Written when absent or older than the interval, the same test as the update's condition, so
  // a use exactly one interval on neither writes nor makes an attempt bound to fail. A PAT never
  // used has no `lastUsedAt`, which parses as NaN: written.
  if (!(Date.parse(String(pat.lastUsedAt)) >= now - intervalMs)) {
    try {
      await deps.credentials.touchLastUsed(
        pat.workspaceId,
        pat.id,
        new Date(now).toISOString(),
        new Date(now - intervalMs).toISOString(),
      );
    } catch (error) {
      deps.onLastUsedFailure(error, { workspaceId: pat.workspaceId, patId: pat.id });
    }
  }
  return {
    allow: true,
    context: {
      tokenType: 'pat',
      subject: pat.createdBy ?? '',
      workspaceId: pat.workspaceId,
      patId: pat.id,
      name: pat.name,
      // Set: a PAT without one was refused as expired above.
      expiresAt: pat.expiresAt as string,
      scopes: scopes.join(' '),
    },
  };
}

async function authorizeJwt(
  authorization: string | undefined,
  deps: AuthorizeDependencies,
): Promise<Decision> {
  try {
    const principal = await deps.authenticator.authenticate(authorization);
    return {
      allow: true,
      context: {
        tokenType: 'user',
        subject: principal.subject ?? '',
        workspaces: [...grantedWorkspaces(principal.claims[deps.workspaceClaim])].join(' '),
        // The authenticator requires a numeric `exp`.
        expiresAt: new Date(Number(principal.claims.exp) * 1000).toISOString(),
      },
    };
  } catch (error) {
    // Refused by the JWT rules: a deny. Anything else (the issuer's keys unavailable) propagates.
    if (error instanceof UnauthorizedError) {
      return { allow: false, reason: 'jwt', tokenType: 'user', detail: error.reason };
    }
    throw error;
  }
}

/** SHA-256 hex digests compared in constant time, so response time says nothing of how much matched. */
function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

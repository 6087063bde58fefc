import {
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  KidNotFoundInJwksError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { ServiceUnavailableError, UnauthorizedError } from '../domain/errors';
import type { Authenticator, Principal } from '../domain/ports';
import { audienceMatches, IssuerVerifier, TimeClaimOutOfRangeError } from './issuer-verifier';
import { KeySourceUnavailableError } from './key-fetcher';

export interface JwtAuthenticatorProps {
  readonly issuer: string;
  readonly audiences: readonly string[];
  /** Where the keys are; when absent they are found through the issuer's OIDC discovery document. */
  readonly jwksUri?: string | undefined;
  /** @default 0 */
  readonly leewaySeconds?: number;
  /** @default 3600 */
  readonly jwksMaxAgeSeconds?: number;
  /** @default 2000 */
  readonly fetchTimeoutMs?: number;
  /** Seconds a client is told to wait when the keys cannot be fetched. @default 5 */
  readonly retryAfterSeconds?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Longer tokens are refused before any parsing (the contract's 8 KiB limit). */
export const MAX_TOKEN_LENGTH = 8 * 1024;
/** API Gateway's JWT authorizer accepts RSA only; so does this service. */
const ALLOWED_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512']);
/** Header parameters that point at key material chosen by the sender (RFC 8725, section 3.10). */
const SENDER_KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;
/** `typ` values of access tokens (RFC 9068 uses at+jwt); anything else, e.g. an ID token's, is refused. */
const ACCESS_TOKEN_TYPES = new Set(['jwt', 'at+jwt', 'application/at+jwt']);
const BEARER = /^bearer +(.*)$/i;

/** A refusal decided by this module's own rules (as opposed to one raised by aws-jwt-verify). */
class TokenRejected extends Error {
  constructor(
    readonly reason: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/**
 * Verifies the bearer JWT again, behind API Gateway's authorizer, with the contract's rules.
 * aws-jwt-verify checks the signature against the issuer's keys, `iss`, `exp` and `nbf`; the rules
 * it does not apply by itself are added here: the header checks run before any key is looked up
 * (so refused tokens never cause a fetch), and the claim checks run after the signature in
 * `customJwtCheck`.
 */
export class JwtAuthenticator implements Authenticator {
  private readonly props: JwtAuthenticatorProps;
  private readonly verifier: IssuerVerifier;
  private readonly now: () => number;
  private readonly leewaySeconds: number;

  constructor(props: JwtAuthenticatorProps) {
    this.props = props;
    this.now = props.now ?? Date.now;
    this.leewaySeconds = props.leewaySeconds ?? 0;
    // Created once per process: its key cache outlives invocations, which is what makes warm
    // requests free of key fetches.
    this.verifier = new IssuerVerifier({
      ...props,
      customJwtCheck: ({ payload }) => this.checkClaims(payload),
    });
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    const token = bearerToken(authorization);
    try {
      checkHeader(token);
      const payload = await this.verifier.verify(token);
      return { subject: typeof payload.sub === 'string' ? payload.sub : undefined, claims: payload };
    } catch (error) {
      throw this.translate(error);
    }
  }

  private checkClaims(payload: JwtPayload): void {
    const nowSeconds = this.now() / 1000;
    // aws-jwt-verify accepts a token without `exp`; a bearer token that never expires is refused.
    if (typeof payload.exp !== 'number') throw new TokenRejected('claims', 'The access token has no expiry');
    if (typeof payload.iat === 'number' && payload.iat - this.leewaySeconds > nowSeconds) {
      throw new TokenRejected('claims', 'The access token was issued in the future');
    }
    if (payload.token_use !== undefined && payload.token_use !== 'access') {
      throw new TokenRejected('token_type', 'The token is not an access token');
    }
    if (!audienceMatches(payload, this.props.audiences))
      throw new TokenRejected('audience', 'The access token is meant for another audience');
  }

  private translate(error: unknown): unknown {
    if (error instanceof UnauthorizedError) return error;
    if (error instanceof KeySourceUnavailableError) {
      return new ServiceUnavailableError('jwks', this.props.retryAfterSeconds ?? 5, { cause: error });
    }
    const [reason, description] = classify(error);
    if (reason === undefined) return error;
    return new UnauthorizedError(
      `${description}.`,
      { credentialsSent: true, description, reason },
      { cause: error },
    );
  }
}

/** Extracts the token of `Authorization: Bearer <token>` (scheme in any case), or refuses the request. */
function bearerToken(authorization: string | undefined): string {
  const value = authorization?.trim() ?? '';
  if (value === '') {
    throw new UnauthorizedError('This endpoint needs a bearer token.', {
      credentialsSent: false,
      reason: 'missing',
    });
  }
  const token = BEARER.exec(value)?.[1]?.trim();
  if (token === undefined) {
    throw new UnauthorizedError('This endpoint needs an Authorization header of the form "Bearer <JWT>".', {
      credentialsSent: false,
      reason: 'scheme',
    });
  }
  if (token.startsWith('pat_')) {
    throw new UnauthorizedError(
      'This endpoint needs a user JWT: a personal access token can never manage personal access tokens.',
      { credentialsSent: true, description: 'Personal access tokens are not accepted here', reason: 'pat' },
    );
  }
  return token;
}

/** Refuses, before any key is looked up, what no valid token of this issuer can look like. */
function checkHeader(token: string): void {
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejected('too_long', 'The access token is too long');
  const { header } = decomposeUnverifiedJwt(token);
  if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.has(header.alg)) {
    throw new TokenRejected('algorithm', 'The access token is not signed with an accepted algorithm');
  }
  // No extension is understood, so a token that demands one must be refused (RFC 7515, 4.1.11).
  if ('crit' in header) throw new TokenRejected('header', 'The access token header is not accepted');
  if (SENDER_KEY_HEADERS.some((name) => name in header)) {
    throw new TokenRejected('header', 'The access token header is not accepted');
  }
  const typ = (header as JwtHeader & { typ?: unknown }).typ;
  if (typ !== undefined && (typeof typ !== 'string' || !ACCESS_TOKEN_TYPES.has(typ.toLowerCase()))) {
    throw new TokenRejected('token_type', 'The token is not an access token');
  }
  if (typeof header.kid !== 'string') throw new TokenRejected('unknown_key', 'The access token names no key');
}

/** Maps a verification failure to a reason class and a fixed description; `undefined` for non-JWT errors. */
function classify(error: unknown): [string, string] | [undefined, undefined] {
  if (error instanceof TokenRejected) return [error.reason, error.description];
  if (error instanceof TimeClaimOutOfRangeError)
    return ['claims', 'The access token has a time claim out of range'];
  if (error instanceof JwtExpiredError) return ['expired', 'The access token expired'];
  if (error instanceof JwtNotBeforeError) return ['not_yet_valid', 'The access token is not valid yet'];
  if (error instanceof JwtInvalidIssuerError) return ['issuer', 'The access token comes from another issuer'];
  if (error instanceof JwtInvalidSignatureError || error instanceof JwtInvalidSignatureAlgorithmError) {
    return ['signature', 'The access token signature is invalid'];
  }
  if (error instanceof KidNotFoundInJwksError || error instanceof WaitPeriodNotYetEndedJwkError) {
    return ['unknown_key', 'The access token is signed with an unknown key'];
  }
  if (error instanceof JwtParseError) return ['malformed', 'The access token is not a well-formed JWT'];
  // A ParameterValidationError is a bug in how the library is called, not a bad token: a 500.
  if (error instanceof JwtBaseError && !(error instanceof ParameterValidationError)) {
    return ['invalid', 'The access token is invalid'];
  }
  return [undefined, undefined];
}

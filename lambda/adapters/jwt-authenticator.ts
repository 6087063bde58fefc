import {
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  KidNotFoundInJwksError,
  ParameterValidationError,
} from 'aws-jwt-verify/error';
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { type JwtSettings, type RuntimeSettings, urlPolicyOf } from '../config';
import { ServiceUnavailableError, UnauthorizedError } from '../domain/errors';
import type { Authenticator, Clock, Principal } from '../domain/ports';
import {
  audienceMatches,
  IssuerVerifier,
  type IssuerVerifierProps,
  JwtRejectedError,
} from './issuer-verifier';
import { KeySourceUnavailableError } from './key-fetcher';

/** The JWT settings (`config.jwt`, handed on as they are) and where the function runs. */
export interface JwtAuthenticatorProps
  extends Omit<JwtSettings, 'workspaceClaim'>,
    Pick<IssuerVerifierProps, 'urlPolicy' | 'now'> {}

/** Longer tokens are refused before any parsing (the contract's 8 KiB limit). */
export const MAX_TOKEN_LENGTH = 8 * 1024;
/** Header parameters that point at key material chosen by the sender (RFC 8725, section 3.10). */
const SENDER_KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;
/** `typ` values of access tokens (RFC 9068 uses at+jwt); anything else, e.g. an ID token's, is refused. */
const ACCESS_TOKEN_TYPES = new Set(['jwt', 'at+jwt', 'application/at+jwt']);
/**
 * Claims only ID tokens carry (OpenID Connect Core 1.0, 2 and 3.1.3.6). ID tokens from Okta,
 * Entra ID, Auth0 or Google say `typ: JWT` and have no `token_use`, so these are what tells them
 * apart from access tokens when the audience is the app's client id.
 */
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash'] as const;
const BEARER = /^bearer +(.*)$/i;

/**
 * Verifies a bearer JWT with the contract's rules. aws-jwt-verify checks the signature against
 * the issuer's keys, `iss`, `exp` and `nbf`; `IssuerVerifier` adds what must hold before any key is
 * looked up (`iss`, RSA, `kid`); the rest is here: the header checks (also before any key lookup)
 * and the claim checks after the signature, in `customJwtCheck`.
 */
export class JwtAuthenticator implements Authenticator {
  private readonly props: JwtAuthenticatorProps;
  private readonly verifier: IssuerVerifier;
  private readonly now: () => number;
  private readonly leewaySeconds: number;

  constructor(props: JwtAuthenticatorProps) {
    this.props = props;
    this.now = props.now ?? Date.now;
    this.leewaySeconds = props.leewaySeconds;
    // Created once per process: its key cache outlives invocations, which is what makes warm
    // requests free of key fetches.
    this.verifier = new IssuerVerifier({
      ...props,
      headerCheck: checkHeader,
      customJwtCheck: ({ payload }) => this.checkClaims(payload),
    });
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    const token = bearerToken(authorization);
    try {
      if (token.length > MAX_TOKEN_LENGTH) {
        throw new JwtRejectedError('too_long', 'The access token is too long');
      }
      const payload = await this.verifier.verify(token);
      // The library has checked that `sub`, when present, is a string.
      return { subject: payload.sub, claims: payload };
    } catch (error) {
      throw this.translate(error);
    }
  }

  private checkClaims(payload: JwtPayload): void {
    const nowSeconds = this.now() / 1000;
    // aws-jwt-verify accepts a token without `exp`; a bearer token that never expires is refused.
    if (typeof payload.exp !== 'number')
      throw new JwtRejectedError('claims', 'The access token has no expiry');
    // The library has checked that `iat`, when present, is a number.
    if ((payload.iat ?? 0) - this.leewaySeconds > nowSeconds) {
      throw new JwtRejectedError('claims', 'The access token was issued in the future');
    }
    if (payload.token_use !== undefined && payload.token_use !== 'access') {
      throw new JwtRejectedError('token_type', 'The token is not an access token');
    }
    if (ID_TOKEN_CLAIMS.some((claim) => claim in payload)) {
      throw new JwtRejectedError('token_type', 'The token is not an access token');
    }
    if (!audienceMatches(payload, this.props.audiences))
      throw new JwtRejectedError('audience', 'The access token is meant for another audience');
  }

  private translate(error: unknown): unknown {
    if (error instanceof KeySourceUnavailableError) {
      return new ServiceUnavailableError('jwks', error.retryAfterSeconds ?? 5, { cause: error });
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

/** Refuses, before any key is looked up, what no access token of this issuer can look like. */
function checkHeader({ header }: DecomposedJwt): void {
  // No extension is understood, so a token that demands one must be refused (RFC 7515, 4.1.11).
  if ('crit' in header) throw new JwtRejectedError('header', 'The access token header is not accepted');
  if (SENDER_KEY_HEADERS.some((name) => name in header)) {
    throw new JwtRejectedError('header', 'The access token header is not accepted');
  }
  const typ = (header as JwtHeader & { typ?: unknown }).typ;
  if (typ !== undefined && (typeof typ !== 'string' || !ACCESS_TOKEN_TYPES.has(typ.toLowerCase()))) {
    throw new JwtRejectedError('token_type', 'The token is not an access token');
  }
}

/** Maps a verification failure to a reason class and a fixed description; `undefined` for non-JWT errors. */
function classify(error: unknown): [string, string] | [undefined, undefined] {
  if (error instanceof JwtRejectedError) return [error.reason, error.description];
  if (error instanceof JwtExpiredError) return ['expired', 'The access token expired'];
  if (error instanceof JwtNotBeforeError) return ['not_yet_valid', 'The access token is not valid yet'];
  if (error instanceof JwtInvalidSignatureError || error instanceof JwtInvalidSignatureAlgorithmError) {
    return ['signature', 'The access token signature is invalid'];
  }
  if (error instanceof KidNotFoundInJwksError) {
    return ['unknown_key', 'The access token is signed with an unknown key'];
  }
  if (error instanceof JwtParseError) return ['malformed', 'The access token is not a well-formed JWT'];
  // A ParameterValidationError is a bug in how the library is called, not a bad token: a 500.
  if (error instanceof JwtBaseError && !(error instanceof ParameterValidationError)) {
    return ['invalid', 'The access token is invalid'];
  }
  return [undefined, undefined];
}

/** The authenticator of a function's JWT settings (`config.jwt`), on its clock. */
export const jwtAuthenticatorFor = (
  config: { readonly jwt: JwtSettings; readonly runtime: RuntimeSettings },
  clock: Clock,
) => new JwtAuthenticator({ ...config.jwt, urlPolicy: urlPolicyOf(config.runtime), now: () => clock.now() });

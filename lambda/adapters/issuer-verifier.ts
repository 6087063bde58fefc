import { JwtVerifier } from 'aws-jwt-verify';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { ExpiringJwksCache } from './jwks-cache';
import { KeyFetcher } from './key-fetcher';
import { discoverJwksUri } from './oidc-discovery';

export interface IssuerVerifierProps {
  readonly issuer: string;
  /** Where the keys are; when absent they are found through the issuer's OIDC discovery document. */
  readonly jwksUri?: string | undefined;
  /** Clock skew tolerated on `exp` and `nbf`. @default 0 */
  readonly leewaySeconds?: number;
  /** @default 3600 */
  readonly jwksMaxAgeSeconds?: number;
  /** @default 2000 */
  readonly fetchTimeoutMs?: number;
  /** Rules applied after the signature, `iss`, `exp` and `nbf` checked out; throw to refuse. */
  readonly customJwtCheck: (props: { payload: JwtPayload }) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * aws-jwt-verify bound to one issuer's keys: found through discovery (or `jwksUri`), fetched by
 * `KeyFetcher` and cached across invocations by `ExpiringJwksCache`. Errors are the library's
 * (`JwtBaseError` subclasses) or `KeySourceUnavailableError` when the keys cannot be had.
 */
export class IssuerVerifier {
  private readonly props: IssuerVerifierProps;
  private readonly fetcher: KeyFetcher;
  private readonly jwksCache: ExpiringJwksCache;
  private verifier: Promise<{ verify(token: string): Promise<JwtPayload> }> | undefined;

  constructor(props: IssuerVerifierProps) {
    this.props = props;
    this.fetcher = new KeyFetcher({ timeoutMs: props.fetchTimeoutMs ?? 2000 });
    this.jwksCache = new ExpiringJwksCache({
      fetcher: this.fetcher,
      maxAgeSeconds: props.jwksMaxAgeSeconds ?? 3600,
      ...(props.now !== undefined ? { now: props.now } : {}),
    });
  }

  async verify(token: string): Promise<JwtPayload> {
    assertTimeClaimsRepresentable(token);
    return (await this.getVerifier()).verify(token);
  }

  /**
   * The library's verifier needs the key set's URL, which may have to be discovered first.
   * Discovery runs on the first request rather than at init, so an issuer outage is a 503 for
   * that request and not a failed cold start; a failed discovery is tried again next time.
   */
  private getVerifier() {
    if (this.verifier === undefined) {
      this.verifier = this.createVerifier();
      this.verifier.catch(() => {
        this.verifier = undefined;
      });
    }
    return this.verifier;
  }

  private async createVerifier() {
    const jwksUri = this.props.jwksUri ?? (await discoverJwksUri(this.props.issuer, this.fetcher));
    return JwtVerifier.create(
      {
        issuer: this.props.issuer,
        jwksUri,
        // Checked by the caller's customJwtCheck, where a token without `aud` may fall back to `client_id`.
        audience: null,
        graceSeconds: this.props.leewaySeconds ?? 0,
        customJwtCheck: this.props.customJwtCheck,
      },
      { jwksCache: this.jwksCache },
    );
  }
}

/** A time claim no date can represent: refused before aws-jwt-verify formats it into a message. */
export class TimeClaimOutOfRangeError extends Error {
  override readonly name = 'TimeClaimOutOfRangeError';
}

/** The largest timestamp, in seconds, a JavaScript Date can hold (ECMA-262, 21.4.1.22). */
const MAX_DATE_SECONDS = 8.64e12;

/**
 * aws-jwt-verify formats `exp` and `nbf` with `new Date(value * 1000).toISOString()` when it
 * refuses them, which throws a RangeError for values beyond what a Date can hold (found by the
 * fuzzing suite: `nbf` = 2^53 - 1 became a 500). Such a token is malformed; refuse it first.
 */
function assertTimeClaimsRepresentable(token: string): void {
  const { payload } = decomposeUnverifiedJwt(token);
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const value = payload[claim];
    if (typeof value === 'number' && !(Math.abs(value) <= MAX_DATE_SECONDS)) {
      throw new TimeClaimOutOfRangeError(`${claim} is out of range`);
    }
  }
}

/**
 * The audience rule of API Gateway's JWT authorizer: `aud` holds an accepted audience, or, for a
 * token without `aud` (Cognito access tokens), `client_id` is one.
 */
export function audienceMatches(payload: JwtPayload, audiences: readonly string[]): boolean {
  const { aud } = payload;
  if (aud === undefined)
    return typeof payload.client_id === 'string' && audiences.includes(payload.client_id);
  return (Array.isArray(aud) ? aud : [aud]).some((value) => audiences.includes(value));
}

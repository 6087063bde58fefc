import { JwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { type DecomposedJwt, decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { JwtSettings } from '../config';
import { IssuerKeys } from './issuer-keys';
import { KeyFetcher } from './key-fetcher';
import type { UrlPolicy } from './url-policy';

/** The JWT settings (`config.jwt`) the verifier uses, and the rules its caller adds. */
export interface IssuerVerifierProps
  extends Pick<
    JwtSettings,
    'issuer' | 'jwksUri' | 'leewaySeconds' | 'jwksMaxAgeSeconds' | 'fetchTimeoutMs' | 'jwksFailureTtlSeconds'
  > {
  /** Which plain-HTTP hosts count as this machine (see `url-policy.ts`). */
  readonly urlPolicy: UrlPolicy;
  /** Rules applied to the unverified token before any key is looked up; throw to refuse. */
  readonly headerCheck?: (decomposed: DecomposedJwt) => void;
  /** Rules applied after the signature, `iss`, `exp` and `nbf` checked out; throw to refuse. */
  readonly customJwtCheck: (props: { payload: JwtPayload }) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * A token refused by a rule of this codebase (as opposed to one raised by aws-jwt-verify), with a
 * coarse reason class for logs and metrics and a fixed, secret-free description.
 */
export class JwtRejectedError extends Error {
  override readonly name = 'JwtRejectedError';
  constructor(
    readonly reason: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** API Gateway's JWT authorizer accepts RSA only, and so do the keys this verifier loads. */
const RSA_ALGORITHMS: ReadonlySet<string | undefined> = new Set(['RS256', 'RS384', 'RS512']);

type Verifier = { verifySync(token: string): JwtPayload };

/**
 * aws-jwt-verify bound to one issuer's keys. It refuses before any key lookup what can never
 * verify (another `iss`, so a foreign token never fetches; a non-RSA `alg`; no `kid`), and builds
 * one library verifier per key set, because the library never forgets a key object it built.
 */
export class IssuerVerifier {
  private readonly props: IssuerVerifierProps;
  private readonly keys: IssuerKeys<Verifier>;

  constructor(props: IssuerVerifierProps) {
    this.props = props;
    this.keys = new IssuerKeys<Verifier>({
      issuer: props.issuer,
      jwksUri: props.jwksUri,
      fetcher: new KeyFetcher({ timeoutMs: props.fetchTimeoutMs, policy: props.urlPolicy }),
      maxAgeSeconds: props.jwksMaxAgeSeconds,
      failureTtlSeconds: props.jwksFailureTtlSeconds,
      prepare: (jwks) => this.verifierFor(jwks),
      ...(props.now !== undefined ? { now: props.now } : {}),
    });
  }

  async verify(token: string): Promise<JwtPayload> {
    const decomposed = decomposeUnverifiedJwt(token);
    const kid = this.assertWorthALookup(decomposed);
    const keySet = await this.keys.forKid(kid);
    return keySet.prepared.verifySync(token);
  }

  private assertWorthALookup(decomposed: DecomposedJwt): string {
    const { header, payload } = decomposed;
    this.props.headerCheck?.(decomposed);
    // The library has checked that `alg`, when present, is a string; absent, it is no RSA algorithm.
    if (!RSA_ALGORITHMS.has(header.alg)) {
      throw new JwtRejectedError('algorithm', 'The access token is not signed with an accepted algorithm');
    }
    if (payload.iss !== this.props.issuer) {
      throw new JwtRejectedError('issuer', 'The access token comes from another issuer');
    }
    if (typeof header.kid !== 'string') {
      throw new JwtRejectedError('unknown_key', 'The access token names no key');
    }
    assertTimeClaimsRepresentable(payload);
    return header.kid;
  }

  private verifierFor(jwks: Jwks): Verifier {
    // The key set is handed over here and never fetched by the library: `IssuerKeys` decides when.
    const verifier = JwtVerifier.create({
      issuer: this.props.issuer,
      jwksUri: 'urn:pats-api:issuer-keys',
      // Checked by the caller's customJwtCheck, where a token without `aud` may fall back to `client_id`.
      audience: null,
      graceSeconds: this.props.leewaySeconds,
      customJwtCheck: this.props.customJwtCheck,
    });
    verifier.cacheJwks(jwks);
    return verifier;
  }
}

/** The largest timestamp, in seconds, a JavaScript Date can hold (ECMA-262, 21.4.1.22). */
const MAX_DATE_SECONDS = 8.64e12;

/**
 * aws-jwt-verify formats `exp` and `nbf` with `new Date(value * 1000).toISOString()` when it
 * refuses them, which throws a RangeError for values beyond what a Date can hold (found by the
 * fuzzing suite: `nbf` = 2^53 - 1 became a 500). Such a token is malformed; refuse it first.
 */
function assertTimeClaimsRepresentable(payload: JwtPayload): void {
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const value = payload[claim];
    if (typeof value === 'number' && !(Math.abs(value) <= MAX_DATE_SECONDS)) {
      throw new JwtRejectedError('claims', 'The access token has a time claim out of range');
    }
  }
}

/**
 * The audience rule of API Gateway's JWT authorizer: `aud` holds an accepted audience, or, for a
 * token without `aud` (Cognito access tokens), `client_id` is one.
 */
export function audienceMatches(payload: JwtPayload, audiences: readonly string[]): boolean {
  const { aud } = payload;
  if (aud === undefined) return audiences.some((audience) => audience === payload.client_id);
  return (Array.isArray(aud) ? aud : [aud]).some((value) => audiences.includes(value));
}

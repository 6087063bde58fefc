import {
  assertIsJwks,
  type Jwks,
  type JwkWithKid,
  type PenaltyBox,
  SimpleJwksCache,
} from 'aws-jwt-verify/jwk';
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';
import { type KeyFetcher, KeySourceUnavailableError } from './key-fetcher';

export interface ExpiringJwksCacheProps {
  readonly fetcher: KeyFetcher;
  /** A key set older than this is fetched again before it is used. */
  readonly maxAgeSeconds: number;
  /**
   * Limits fetches caused by unknown `kid`s (aws-jwt-verify's penalty box: one per 10 s).
   * @default aws-jwt-verify's SimplePenaltyBox
   */
  readonly penaltyBox?: PenaltyBox;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * aws-jwt-verify's cache keeps a key set forever, so a key the issuer removed (because it leaked)
 * would stay trusted for the life of the process. This cache re-fetches a key set once it is
 * older than `maxAgeSeconds`; if that refresh fails, the request fails with 503 rather than
 * trusting keys that may have been withdrawn.
 *
 * Unknown `kid`s still trigger the library's own refetch, rate-limited by its penalty box, which
 * is how a freshly rotated key is picked up without waiting for the refresh.
 */
export class ExpiringJwksCache extends SimpleJwksCache {
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly fetchedAt = new Map<string, number>();

  constructor(props: ExpiringJwksCacheProps) {
    super({
      fetcher: props.fetcher,
      jwksParser: parseKeySet,
      ...(props.penaltyBox !== undefined ? { penaltyBox: props.penaltyBox } : {}),
    });
    this.maxAgeMs = props.maxAgeSeconds * 1000;
    this.now = props.now ?? Date.now;
  }

  override async getJwks(jwksUri: string): Promise<Jwks> {
    const jwks = await super.getJwks(jwksUri);
    this.fetchedAt.set(jwksUri, this.now());
    return jwks;
  }

  override async getJwk(jwksUri: string, decomposedJwt: DecomposedJwt): Promise<JwkWithKid> {
    const fetchedAt = this.fetchedAt.get(jwksUri);
    if (fetchedAt !== undefined && this.now() - fetchedAt >= this.maxAgeMs) {
      await this.getJwks(jwksUri);
    }
    return super.getJwk(jwksUri, decomposedJwt);
  }
}

function parseKeySet(body: ArrayBuffer): Jwks {
  try {
    const jwks: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    assertIsJwks(jwks as Parameters<typeof assertIsJwks>[0]);
    return jwks as Jwks;
  } catch (error) {
    // A body that is not a key set (an HTML error page, a captive portal) means the keys are
    // unavailable, not that the caller's token is bad.
    throw new KeySourceUnavailableError(`The key set is not a valid JWKS: ${(error as Error).message}`);
  }
}

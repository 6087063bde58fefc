import { assertIsJwks, type Jwks } from 'aws-jwt-verify/jwk';
import { type KeyFetcher, KeySourceUnavailableError } from './key-fetcher';
import { discoverJwksUri } from './oidc-discovery';

export interface IssuerKeysProps<T> {
  readonly issuer: string;
  /** Where the keys are; when absent they are found through the issuer's OIDC discovery document. */
  readonly jwksUri?: string | undefined;
  readonly fetcher: KeyFetcher;
  /** A key set older than this is fetched again before it is used. */
  readonly maxAgeSeconds: number;
  /** How long a failed discovery or key fetch is remembered (answered at once, without a call). */
  readonly failureTtlSeconds: number;
  /**
   * The shortest time between two fetches caused by unknown `kid`s, so forged `kid`s cannot make
   * the service hammer the issuer. The first unknown `kid` is always looked up: it may be a key
   * the issuer has just rotated in.
   * @default 10
   */
  readonly unknownKidIntervalSeconds?: number;
  /** Turns a freshly fetched key set into what verification needs (built once per key set). */
  readonly prepare: (jwks: Jwks) => T;
  /** @default Date.now */
  readonly now?: () => number;
}

/** One fetched key set, immutable: a refresh replaces it as a whole. */
export interface KeySet<T> {
  /** The `kid`s of its keys; a key without one adds `undefined`, which no token names. */
  readonly kids: ReadonlySet<string | undefined>;
  readonly fetchedAt: number;
  readonly prepared: T;
}

/**
 * The issuer's current key set: fetched when missing, stale or asked for an unknown `kid` (at most
 * once per interval), one fetch at a time, replaced as a whole so a withdrawn key stops verifying.
 * A failure is remembered for `failureTtlSeconds` (an outage costs the issuer one call per
 * instance per interval), and a stale set whose refresh fails is not trusted.
 */
export class IssuerKeys<T> {
  private readonly props: IssuerKeysProps<T>;
  private readonly now: () => number;
  private readonly unknownKidIntervalMs: number;
  private current: KeySet<T> | undefined;
  private jwksUri: string | undefined;
  private failure: { readonly error: KeySourceUnavailableError; readonly until: number } | undefined;
  private inFlight: Promise<KeySet<T>> | undefined;
  private lastUnknownKidFetchAt = Number.NEGATIVE_INFINITY;

  constructor(props: IssuerKeysProps<T>) {
    this.props = props;
    this.now = props.now ?? Date.now;
    this.unknownKidIntervalMs = (props.unknownKidIntervalSeconds ?? 10) * 1000;
    this.jwksUri = props.jwksUri;
  }

  /**
   * The key set to verify a token signed with `kid`. It may not hold `kid` (an unknown key that a
   * recent fetch did not find): the verifier then refuses the token.
   */
  async forKid(kid: string): Promise<KeySet<T>> {
    const current = this.current;
    if (current === undefined || this.now() - current.fetchedAt >= this.props.maxAgeSeconds * 1000) {
      return this.refresh();
    }
    if (current.kids.has(kid) || this.now() - this.lastUnknownKidFetchAt < this.unknownKidIntervalMs) {
      return current;
    }
    this.lastUnknownKidFetchAt = this.now();
    return this.refresh();
  }

  private refresh(): Promise<KeySet<T>> {
    const failure = this.failure;
    if (failure !== undefined && this.now() < failure.until) {
      const retryAfterSeconds = Math.max(1, Math.ceil((failure.until - this.now()) / 1000));
      return Promise.reject(
        new KeySourceUnavailableError(failure.error.message, { cause: failure.error, retryAfterSeconds }),
      );
    }
    if (this.inFlight === undefined) {
      this.inFlight = this.load().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async load(): Promise<KeySet<T>> {
    try {
      this.jwksUri ??= await discoverJwksUri(this.props.issuer, this.props.fetcher);
      const jwks = parseKeySet(await this.props.fetcher.fetch(this.jwksUri));
      const keySet: KeySet<T> = {
        kids: new Set(jwks.keys.map((key) => key.kid)),
        fetchedAt: this.now(),
        prepared: this.props.prepare(jwks),
      };
      this.current = keySet;
      this.failure = undefined;
      return keySet;
    } catch (error) {
      const unavailable =
        error instanceof KeySourceUnavailableError
          ? error
          : new KeySourceUnavailableError(`keys of ${this.props.issuer} unusable`, { cause: error });
      const ttlMs = this.props.failureTtlSeconds * 1000;
      this.failure = { error: unavailable, until: this.now() + ttlMs };
      throw new KeySourceUnavailableError(unavailable.message, {
        cause: unavailable,
        retryAfterSeconds: this.props.failureTtlSeconds,
      });
    }
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

import { createHash } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import type { AuthorizerResult } from '../../lambda/authorizer/handler';
import { authorizerEvent, lambdaContext } from '../aws-payloads';

export type AuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEventV2,
  context: Context,
) => Promise<AuthorizerResult>;

export type CredentialDecision =
  | { readonly allow: true; readonly context: Readonly<Record<string, unknown>> }
  | { readonly allow: false; readonly status: 401 | 403 | 500 };

/** The most answers the cache keeps; past it the oldest goes first. */
export const MAX_CACHED_ANSWERS = 10_000;

/**
 * API Gateway's Lambda authorizer (REQUEST, payload 2.0, simple responses) in front of the real
 * authorizer handler: no Authorization is 401 without invoking it, a deny 403, a failure 500;
 * answers are cached by Authorization and route key for `cacheSeconds`, and nothing invalidates them.
 * The cache holds hashes of the keys, never a token, and is bounded.
 */
export class GatewayCredentialAuthorizer {
  private readonly cache = new Map<
    string,
    { readonly decision: CredentialDecision; readonly until: number }
  >();

  constructor(
    private readonly handler: AuthorizerHandler,
    private readonly cacheSeconds: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries: number = MAX_CACHED_ANSWERS,
  ) {}

  /** How many answers are cached (for tests of its bound). */
  get size(): number {
    return this.cache.size;
  }

  async authorize(request: {
    readonly routeKey: string;
    readonly rawPath: string;
    readonly rawQueryString: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly pathParameters: Readonly<Record<string, string>>;
    readonly requestId: string;
    readonly sourceIp: string;
  }): Promise<CredentialDecision> {
    const authorization = request.headers.authorization;
    if (authorization === undefined || authorization === '') return { allow: false, status: 401 };
    const key = createHash('sha256')
      .update(JSON.stringify([authorization, request.routeKey]))
      .digest('base64');
    this.dropExpired();
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached.decision;

    let result: AuthorizerResult;
    try {
      result = await this.handler(
        authorizerEvent(request),
        lambdaContext({ functionName: 'authorizer-local' }),
      );
    } catch {
      // API Gateway caches no failure: the next request invokes the authorizer again.
      return { allow: false, status: 500 };
    }
    if (typeof result?.isAuthorized !== 'boolean') return { allow: false, status: 500 };
    const decision: CredentialDecision = result.isAuthorized
      ? { allow: true, context: { ...result.context } }
      : { allow: false, status: 403 };
    if (this.cacheSeconds > 0) {
      this.cache.set(key, { decision, until: this.now() + this.cacheSeconds * 1000 });
      if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    }
    return decision;
  }

  /** Every entry lives `cacheSeconds`, so insertion order is expiry order: expired ones are at the front. */
  private dropExpired(): void {
    const now = this.now();
    for (const [key, { until }] of this.cache) {
      if (until > now) return;
      this.cache.delete(key);
    }
  }
}

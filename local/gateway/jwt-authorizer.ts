import { JwtBaseError } from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { audienceMatches, IssuerVerifier, JwtRejectedError } from '../../lambda/adapters/issuer-verifier';
import { KeySourceUnavailableError } from '../../lambda/adapters/key-fetcher';
import type { JwtSettings, RuntimeSettings } from '../../lambda/config';
import { urlPolicyOf } from '../../lambda/config';

export type AuthorizerDecision =
  | { readonly allow: true; readonly claims: JwtPayload }
  | { readonly allow: false; readonly status: 401 | 503; readonly challenge?: string };

/**
 * An imitation of API Gateway's HTTP API JWT authorizer, for the local API. It checks what that
 * authorizer checks, and only that: an RSA signature with the issuer's keys (from discovery),
 * `iss`, `aud` (or `client_id`), `exp` (required), `nbf`. The function then applies the stricter
 * rules itself, exactly as behind the real gateway.
 */
export class GatewayJwtAuthorizer {
  private readonly verifier: IssuerVerifier;

  constructor(config: { readonly jwt: JwtSettings; readonly runtime: RuntimeSettings }) {
    const { jwt } = config;
    this.verifier = new IssuerVerifier({
      ...jwt,
      // API Gateway tolerates no clock skew.
      leewaySeconds: 0,
      urlPolicy: urlPolicyOf(config.runtime),
      customJwtCheck: ({ payload }) => {
        if (typeof payload.exp !== 'number') throw new JwtRejectedError('claims', 'exp is required');
        if (!audienceMatches(payload, jwt.audiences))
          throw new JwtRejectedError('audience', 'audience not accepted');
      },
    });
  }

  async authorize(authorization: string | undefined): Promise<AuthorizerDecision> {
    // The identity source is the Authorization header; a "Bearer " prefix is optional for the gateway.
    const token = authorization?.trim().replace(/^bearer\s+/i, '') ?? '';
    if (token === '') return { allow: false, status: 401, challenge: 'Bearer' };
    try {
      return { allow: true, claims: await this.verifier.verify(token) };
    } catch (error) {
      if (error instanceof KeySourceUnavailableError) return { allow: false, status: 503 };
      if (error instanceof JwtBaseError || error instanceof JwtRejectedError)
        return refuse('the token is invalid');
      throw error;
    }
  }
}

function refuse(description: string): AuthorizerDecision {
  return {
    allow: false,
    status: 401,
    challenge: `Bearer error="invalid_token" error_description="${description}"`,
  };
}

import { JwtBaseError } from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import {
  audienceMatches,
  IssuerVerifier,
  TimeClaimOutOfRangeError,
} from '../lambda/adapters/issuer-verifier';
import { KeySourceUnavailableError } from '../lambda/adapters/key-fetcher';

export type AuthorizerDecision =
  | { readonly allow: true; readonly claims: JwtPayload }
  | { readonly allow: false; readonly status: 401 | 503; readonly challenge?: string };

const RSA = /^RS(256|384|512)$/;

class GatewayRefusal extends Error {}

/**
 * An imitation of API Gateway's HTTP API JWT authorizer, for the local API. It checks what that
 * authorizer checks, and only that: an RSA signature with the issuer's keys (from discovery),
 * `iss`, `aud` (or `client_id`), `exp` (required), `nbf`. The function then applies the stricter
 * rules itself, exactly as behind the real gateway.
 */
export class GatewayJwtAuthorizer {
  private readonly verifier: IssuerVerifier;

  constructor(props: { issuer: string; audiences: readonly string[]; jwksUri?: string | undefined }) {
    this.verifier = new IssuerVerifier({
      issuer: props.issuer,
      jwksUri: props.jwksUri,
      customJwtCheck: ({ payload }) => {
        if (typeof payload.exp !== 'number') throw new GatewayRefusal('exp is required');
        if (!audienceMatches(payload, props.audiences)) throw new GatewayRefusal('audience not accepted');
      },
    });
  }

  async authorize(authorization: string | undefined): Promise<AuthorizerDecision> {
    // The identity source is the Authorization header; a "Bearer " prefix is optional for the gateway.
    const token = authorization?.trim().replace(/^bearer\s+/i, '') ?? '';
    if (token === '') return { allow: false, status: 401, challenge: 'Bearer' };
    try {
      const [header] = token.split('.');
      const alg = (JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as { alg?: unknown })
        .alg;
      if (typeof alg !== 'string' || !RSA.test(alg)) return refuse('unsupported signing algorithm');
      return { allow: true, claims: await this.verifier.verify(token) };
    } catch (error) {
      if (error instanceof KeySourceUnavailableError) return { allow: false, status: 503 };
      if (
        error instanceof JwtBaseError ||
        error instanceof GatewayRefusal ||
        error instanceof TimeClaimOutOfRangeError ||
        error instanceof SyntaxError
      )
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
